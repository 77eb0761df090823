import { createTransport, type Transporter } from 'nodemailer';

import type { CaughtMail } from './caught-mail.model';
import { startMailCatcher, type MailCatcher } from './mail-catcher.server';

describe('startMailCatcher', () => {
  let catcher: MailCatcher;
  let transport: Transporter;

  beforeEach(async () => {
    catcher = await startMailCatcher();
    transport = createTransport(catcher.smtpUrl);
  });

  afterEach(async () => {
    transport.close();
    await catcher.close();
  });

  it('parses a multipart/alternative message with a non-ASCII subject and quoted-printable parts', async () => {
    await transport.sendMail({
      from: 'RentGuy <no-reply@rentguy.test>',
      to: 'Renter Één <renter@example.test>',
      subject: 'Bevestiging — €240',
      text: 'Uw boeking is bevestigd. Totaal: €240.\nTot ziens!',
      html: '<p>Uw boeking is <strong>bevestigd</strong>. Totaal: €240.</p>',
    });

    const [message] = await catcher.waitFor((mail) => mail.to.includes('renter@example.test'), 2000);
    expect(message.subject).toBe('Bevestiging — €240');
    expect(message.headers['subject']).toBe('Bevestiging — €240');
    expect(message.from).toBe('no-reply@rentguy.test');
    expect(message.to).toEqual(['renter@example.test']);
    expect(message.text).toBe('Uw boeking is bevestigd. Totaal: €240.\nTot ziens!');
    expect(message.html).toBe('<p>Uw boeking is <strong>bevestigd</strong>. Totaal: €240.</p>');
    expect(message.headers['content-type']).toMatch(/^multipart\/alternative/);
    // The point of the test: the wire form really was encoded, so the decoding did work.
    expect(message.raw).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
    expect(message.raw).toContain('Content-Transfer-Encoding: quoted-printable');
    expect(message.raw).not.toContain('€');
  });

  it('decodes base64 parts and records Bcc recipients only in the envelope', async () => {
    await transport.sendMail({
      from: 'no-reply@rentguy.test',
      to: 'renter@example.test',
      bcc: 'audit@rentguy.test',
      subject: 'Factuur',
      text: 'Bedrag: €240,00',
      html: '<p>Bedrag: €240,00</p>',
      textEncoding: 'base64',
      attachments: [{ filename: 'factuur.txt', content: 'regel 1\n' }],
    });

    const [message] = await catcher.waitFor(() => true, 2000);
    expect(message.raw).toContain('Content-Transfer-Encoding: base64');
    expect(message.text).toBe('Bedrag: €240,00');
    expect(message.html).toBe('<p>Bedrag: €240,00</p>');
    expect(message.to).toEqual(['renter@example.test']);
    expect(message.envelope).toEqual({
      from: 'no-reply@rentguy.test',
      to: ['renter@example.test', 'audit@rentguy.test'],
    });
    expect(message.attachments).toEqual([{ filename: 'factuur.txt', contentType: 'text/plain', size: 8 }]);
  });

  it('accepts mail from a client configured with SMTP credentials', async () => {
    const authenticated = createTransport({
      host: '127.0.0.1',
      port: catcher.smtpPort,
      auth: { user: 'app', pass: 'secret' },
    });
    try {
      await authenticated.sendMail({
        from: 'a@rentguy.test',
        to: 'b@example.test',
        subject: 'Hi',
        text: 'x',
      });
    } finally {
      authenticated.close();
    }
    expect(catcher.messages().map((message) => message.subject)).toEqual(['Hi']);
  });

  it('waitFor resolves when a matching mail arrives after it was called', async () => {
    const waiting = catcher.waitFor((mail) => mail.subject === 'Later', 2000);
    await transport.sendMail({ from: 'a@rentguy.test', to: 'b@example.test', subject: 'Later', text: 'x' });
    await expect(waiting).resolves.toEqual([expect.objectContaining({ subject: 'Later' })]);
  });

  it('waitFor rejects after the timeout, saying what it was waiting for and what it had', async () => {
    await transport.sendMail({
      from: 'a@rentguy.test',
      to: 'other@example.test',
      subject: 'Welkom',
      text: 'x',
    });

    const waiting = catcher.waitFor((mail) => mail.to.includes('nobody@example.test'), 150);

    await expect(waiting).rejects.toThrow(
      /Timed out after 150 ms waiting for a mail matching .*nobody@example\.test/,
    );
    await expect(waiting).rejects.toThrow(
      /caught 1 other message:\n {2}- "Welkom" from a@rentguy\.test to other@example\.test/,
    );
  });

  it('waitFor with nothing caught says so', async () => {
    await expect(catcher.waitFor(() => true, 50, 'the booking mail')).rejects.toThrow(
      'Timed out after 50 ms waiting for the booking mail; no mail was caught at all',
    );
  });

  it('serves the messages over the JSON API and clears them', async () => {
    await transport.sendMail({ from: 'a@rentguy.test', to: 'b@example.test', subject: 'Eén', text: 'één' });
    const [caught] = await catcher.waitFor(() => true, 2000);

    const list = await fetch(`${catcher.url}/api/messages`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toContain('application/json');
    const listed = (await list.json()) as Array<Omit<CaughtMail, 'receivedAt'> & { receivedAt: string }>;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: caught.id, subject: 'Eén', to: ['b@example.test'], text: 'één' });
    expect(new Date(listed[0].receivedAt).getTime()).toBe(caught.receivedAt.getTime());

    const one = await fetch(`${catcher.url}/api/messages/${caught.id}`);
    expect(await one.json()).toMatchObject({ id: caught.id, subject: 'Eén' });
    expect((await fetch(`${catcher.url}/api/messages/nope`)).status).toBe(404);

    const cleared = await fetch(`${catcher.url}/api/messages`, { method: 'DELETE' });
    expect(cleared.status).toBe(204);
    expect(catcher.messages()).toEqual([]);
    expect(await (await fetch(`${catcher.url}/api/messages`)).json()).toEqual([]);
  });

  it('escapes everything it shows in the web inbox and sandboxes the HTML body', async () => {
    await transport.sendMail({
      from: 'a@rentguy.test',
      to: 'b@example.test',
      subject: '<script>alert("subject")</script>',
      text: '<b>not bold</b>',
      html: '<p onclick="x()">hi</p><script>alert("body")</script>',
    });
    const [caught] = await catcher.waitFor(() => true, 2000);

    const inbox = await fetch(catcher.url);
    const inboxHtml = await inbox.text();
    expect(inbox.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(inboxHtml).toContain('&lt;script&gt;alert(&quot;subject&quot;)&lt;/script&gt;');
    expect(inboxHtml).not.toContain('<script>');
    expect(inboxHtml).toContain(`href="/messages/${caught.id}"`);

    const page = await (await fetch(`${catcher.url}/messages/${caught.id}`)).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('<pre>&lt;b&gt;not bold&lt;/b&gt;</pre>');
    expect(page).toContain(
      'sandbox="" referrerpolicy="no-referrer" title="HTML body" srcdoc="&lt;p onclick=&quot;x()&quot;&gt;hi&lt;/p&gt;&lt;script&gt;',
    );
  });

  it('clears from the web inbox with a form post', async () => {
    await transport.sendMail({ from: 'a@rentguy.test', to: 'b@example.test', subject: 'x', text: 'x' });
    await catcher.waitFor(() => true, 2000);

    const response = await fetch(`${catcher.url}/messages/clear`, { method: 'POST', redirect: 'manual' });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(catcher.messages()).toEqual([]);
  });

  describe('told to misbehave', () => {
    const send = (to: string, client: Transporter = transport) =>
      client.sendMail({ from: 'a@rentguy.test', to, subject: 'Hi', text: 'x' });

    it('refuses temporarily with a 4xx, then accepts the same message', async () => {
      catcher.misbehave({ kind: 'temporary', to: 'b@example.test' });

      await expect(send('b@example.test')).rejects.toMatchObject({ responseCode: 451 });
      await send('b@example.test');

      expect(catcher.messages()).toHaveLength(1);
      expect(catcher.faults()).toEqual([{ kind: 'temporary', to: ['b@example.test'] }]);
    });

    it('refuses for good with a 5xx, only the recipient it was told about and only as often', async () => {
      catcher.misbehave({ kind: 'permanent', to: 'gone@example.test', times: 2 });

      await send('other@example.test');
      await expect(send('gone@example.test')).rejects.toMatchObject({ responseCode: 554 });
      await expect(send('gone@example.test')).rejects.toMatchObject({ responseCode: 554 });
      await send('gone@example.test');

      expect(catcher.messages().map((m) => m.to[0])).toEqual(['other@example.test', 'gone@example.test']);
    });

    it('drops the connection without a reply and keeps nothing', async () => {
      catcher.misbehave({ kind: 'disconnect' });

      await expect(send('b@example.test')).rejects.toMatchObject({
        code: expect.stringMatching(/ECONNECTION|ESOCKET/),
      });

      expect(catcher.messages()).toHaveLength(0);
      expect(catcher.faults()).toEqual([{ kind: 'disconnect', to: ['b@example.test'] }]);
    });

    it('holds a message without replying until the client gives up', async () => {
      const impatient = createTransport({ host: '127.0.0.1', port: catcher.smtpPort, socketTimeout: 300 });
      catcher.misbehave({ kind: 'hold' });
      try {
        await expect(send('b@example.test', impatient)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
      } finally {
        impatient.close();
      }
      expect(catcher.messages()).toHaveLength(0);
      expect(catcher.faults()).toEqual([{ kind: 'hold', to: ['b@example.test'] }]);
    });
  });
});
