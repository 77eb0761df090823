import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import {
  MailRejectedError,
  SmtpMailRepository,
  smtpTransportUrl,
  type OutgoingEmail,
} from './smtp-mail.repository';

// A local SMTP server that refuses recipients the way real relays do; no Postgres, Redis or Kafka.
describe('SmtpMailRepository', () => {
  let server: SMTPServer;
  let port: number;
  let mail: SmtpMailRepository;
  const received: string[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      closeTimeout: 100,
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('gone@')) {
          callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
        } else if (address.address.startsWith('greylisted@')) {
          callback(Object.assign(new Error('4.7.1 try again later'), { responseCode: 451 }));
        } else {
          callback();
        }
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (session.envelope.rcptTo.some((rcpt) => rcpt.address.startsWith('spam@'))) {
            callback(Object.assign(new Error('5.7.1 message refused as spam'), { responseCode: 554 }));
            return;
          }
          received.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
    mail = new SmtpMailRepository({
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      MAIL_FROM: 'RentGuy <no-reply@rentguy.test>',
      SMTP_MAX_CONNECTIONS: 2,
      SMTP_RATE_PER_SECOND: 0,
    });
  });

  afterAll(async () => {
    mail.onApplicationShutdown();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const email = (to: string): OutgoingEmail => ({
    to,
    subject: 'Hello',
    text: 'plain',
    html: '<p>html</p>',
    messageId: '<d1@rentguy.test>',
    headers: { 'X-RentGuy-Delivery': 'd1' },
  });

  it('sends with our Message-ID and headers and reports the relay reply', async () => {
    const sent = await mail.send(email('guest@example.com'));

    expect(sent.messageId).toBe('<d1@rentguy.test>');
    expect(sent.response).toMatch(/^250/);
    expect(received.at(-1)).toMatch(/^Message-ID: <d1@rentguy\.test>/im);
    expect(received.at(-1)).toMatch(/^X-RentGuy-Delivery: d1/im);
    expect(received.at(-1)).toMatch(/^From: RentGuy <no-reply@rentguy\.test>/im);
  });

  it('reports a permanently refused recipient as such, so it is not retried for hours', async () => {
    await expect(mail.send(email('gone@example.com'))).rejects.toBeInstanceOf(MailRejectedError);
  });

  it('reports a message refused for good after DATA as permanent too', async () => {
    await expect(mail.send(email('spam@example.com'))).rejects.toBeInstanceOf(MailRejectedError);
  });

  it('leaves a temporary refusal as an ordinary error, to be retried', async () => {
    const failure = mail.send(email('greylisted@example.com'));

    await expect(failure).rejects.toThrow(/451|try again/);
    await expect(failure).rejects.not.toBeInstanceOf(MailRejectedError);
  });

  it('mints Message-IDs in the sender domain', () => {
    expect(mail.messageIdDomain).toBe('rentguy.test');
  });

  it('pools connections and limits the send rate as configured, keeping what SMTP_URL sets itself', () => {
    const options = (rate: number) =>
      new URL(
        smtpTransportUrl({
          SMTP_URL: 'smtp://relay.example:587/?socketTimeout=5000',
          MAIL_FROM: 'RentGuy <no-reply@rentguy.test>',
          SMTP_MAX_CONNECTIONS: 3,
          SMTP_RATE_PER_SECOND: rate,
        }),
      ).searchParams;

    expect(Object.fromEntries(options(20))).toMatchObject({
      pool: 'true',
      maxConnections: '3',
      rateDelta: '1000',
      rateLimit: '20',
      socketTimeout: '5000',
      connectionTimeout: '10000',
    });
    expect(options(0).has('rateLimit')).toBe(false);
  });
});
