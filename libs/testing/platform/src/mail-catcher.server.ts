import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';

import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

import type { CaughtMail } from './caught-mail.model';
import { inboxContentSecurityPolicy, renderInboxPage, renderMessagePage } from './mail-inbox.page';
import { parseMailMessage } from './mail-message.parser';
import { asError, describeError } from '@rentguy/platform/errors';

export interface MailCatcherOptions {
  /** SMTP port, 0 (a free port) by default. */
  smtpPort?: number;
  /** Web inbox port, 0 (a free port) by default. */
  httpPort?: number;
  /** Interface both servers listen on, 127.0.0.1 by default. */
  host?: string;
  /** Oldest messages are dropped past this many, so a long local session does not grow without bound. 1000 by default. */
  maxMessages?: number;
}

/**
 * How the catcher misbehaves for a message, instead of accepting it, decided once the message has
 * been received (after the client's final `.`) and before any reply:
 * - `temporary`: 451 4.3.0, the way a greylisting or overloaded relay answers (retry later);
 * - `permanent`: 554 5.7.1, a refusal that will not change (do not retry);
 * - `disconnect`: the connection is dropped without a reply;
 * - `hold`: no reply at all until the client gives up or goes away (a relay that hangs, or the
 *   client being killed mid-send); `held()` counts them.
 * A message that is not accepted is not kept.
 */
export type MailFaultKind = 'temporary' | 'permanent' | 'disconnect' | 'hold';

export interface MailFault {
  kind: MailFaultKind;
  /** Only messages to this envelope recipient; any message when absent. */
  to?: string;
  /** How many such messages misbehave, 1 by default. */
  times?: number;
}

export interface MailCatcher {
  readonly smtpPort: number;
  readonly httpPort: number;
  /** Base URL of the web inbox, e.g. `http://127.0.0.1:8025`. */
  readonly url: string;
  /** What to give the app as its SMTP URL, e.g. `smtp://127.0.0.1:1025`. */
  readonly smtpUrl: string;
  /** Messages caught so far, oldest first. */
  messages(): CaughtMail[];
  /**
   * Resolves with every caught message matching `predicate` as soon as there is at least one;
   * rejects after `timeoutMs` (5000 by default) with a list of what was caught instead.
   */
  waitFor(
    predicate: (message: CaughtMail) => boolean,
    timeoutMs?: number,
    description?: string,
  ): Promise<CaughtMail[]>;
  clear(): void;
  /** Queues a fault: the next matching message(s) are refused, dropped or held instead of accepted. */
  misbehave(fault: MailFault): void;
  /** Messages refused, dropped or held so far, by recipient (envelope), oldest first. */
  faults(): { kind: MailFaultKind; to: string[] }[];
  close(): Promise<void>;
}

interface Inbox {
  messages(): CaughtMail[];
  clear(): void;
}

interface Waiter {
  check(): void;
  fail(error: Error): void;
}

const maxMessageBytes = 25 * 1024 * 1024;

/**
 * Starts an SMTP server that accepts any message without authentication or TLS and keeps it in
 * memory, plus an HTTP server with a web inbox and a JSON API over the same messages.
 */
export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const maxMessages = options.maxMessages ?? 1000;
  const caught: CaughtMail[] = [];
  const waiters = new Set<Waiter>();
  const pendingFaults: { kind: MailFaultKind; to?: string; left: number }[] = [];
  const applied: { kind: MailFaultKind; to: string[] }[] = [];

  /** The fault this message is due, if any (counted down). */
  function faultFor(recipients: string[]): MailFaultKind | undefined {
    const fault = pendingFaults.find(
      (candidate) => candidate.to === undefined || recipients.includes(candidate.to),
    );
    if (!fault) {
      return undefined;
    }
    fault.left -= 1;
    if (fault.left <= 0) {
      pendingFaults.splice(pendingFaults.indexOf(fault), 1);
    }
    applied.push({ kind: fault.kind, to: recipients });
    return fault.kind;
  }

  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<CaughtMail> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
    }
    if (stream.sizeExceeded) {
      throw Object.assign(new Error(`Message exceeds ${maxMessageBytes} bytes`), { responseCode: 552 });
    }
    const raw = Buffer.concat(chunks);
    const envelope = {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      to: session.envelope.rcptTo.map((recipient) => recipient.address),
    };
    const parsed = await parseMailMessage(raw, envelope);
    const message: CaughtMail = {
      id: randomUUID(),
      ...parsed,
      envelope,
      receivedAt: new Date(),
      raw: raw.toString('utf8'),
    };
    caught.push(message);
    if (caught.length > maxMessages) {
      caught.splice(0, caught.length - maxMessages);
    }
    for (const waiter of waiters) {
      waiter.check();
    }
    return message;
  }

  const smtp = new SMTPServer({
    authOptional: true,
    // The app may be configured with SMTP credentials; any are accepted, over plain text too.
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    // Reverse DNS of 127.0.0.1 can stall for seconds on machines without a resolver.
    disableReverseLookup: true,
    size: maxMessageBytes,
    logger: false,
    // Pooled clients keep connections open; the default 30 s grace period would stall test teardown.
    closeTimeout: 500,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, session, callback) {
      const fault = faultFor(session.envelope.rcptTo.map((recipient) => recipient.address));
      if (fault !== undefined) {
        stream.on('data', () => undefined);
        stream.on('end', () => {
          switch (fault) {
            case 'temporary':
              callback(Object.assign(new Error('4.3.0 Try again later'), { responseCode: 451 }));
              return;
            case 'permanent':
              callback(Object.assign(new Error('5.7.1 Message refused'), { responseCode: 554 }));
              return;
            case 'disconnect':
              [...smtp.connections].find((connection) => connection.id === session.id)?._socket.destroy();
              return;
            case 'hold':
              return;
          }
        });
        return;
      }
      receive(stream, session).then(
        (message) => callback(null, `Message queued as ${message.id}`),
        (error: unknown) => callback(asError(error)),
      );
    },
  });
  // smtp-server reports client-side socket errors (resets, timeouts) on the server emitter; without
  // a listener they would crash the test process, and a catcher has nothing to do about them.
  smtp.on('error', () => undefined);

  const smtpPort = await listen(
    (port, onListening) => smtp.listen(port, host, onListening),
    smtp.server,
    options.smtpPort ?? 0,
  );

  const inbox: Inbox = {
    messages: () => [...caught],
    clear: () => {
      caught.length = 0;
    },
  };
  const http: Server = createServer((request, response) => {
    try {
      route(request, response, inbox);
    } catch (error) {
      sendJson(response, 500, { error: describeError(error) });
    }
  });
  let httpPort: number;
  try {
    httpPort = await listen(
      (port, onListening) => http.listen(port, host, onListening),
      http,
      options.httpPort ?? 0,
    );
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }

  return {
    smtpPort,
    httpPort,
    url: `http://${hostForUrl(host)}:${httpPort}`,
    smtpUrl: `smtp://${hostForUrl(host)}:${smtpPort}`,
    messages: inbox.messages,
    clear: inbox.clear,
    misbehave: (fault) => {
      pendingFaults.push({ kind: fault.kind, to: fault.to, left: fault.times ?? 1 });
    },
    faults: () => applied.map((fault) => ({ ...fault })),
    waitFor: (predicate, timeoutMs = 5000, description) =>
      new Promise<CaughtMail[]>((resolve, reject) => {
        const waiter: Waiter = {
          check() {
            let matches: CaughtMail[];
            try {
              matches = caught.filter(predicate);
            } catch (error) {
              waiter.fail(asError(error));
              return;
            }
            if (matches.length > 0) {
              waiters.delete(waiter);
              clearTimeout(timer);
              resolve(matches);
            }
          },
          fail(error) {
            waiters.delete(waiter);
            clearTimeout(timer);
            reject(error);
          },
        };
        // Declared after the waiter, whose methods only run once it is set.
        const timer = setTimeout(
          () =>
            waiter.fail(
              new Error(timeoutMessage(timeoutMs, description ?? describePredicate(predicate), caught)),
            ),
          timeoutMs,
        );
        waiters.add(waiter);
        waiter.check();
      }),
    close: async () => {
      for (const waiter of waiters) {
        waiter.fail(new Error('Mail catcher closed while waiting for mail'));
      }
      http.closeAllConnections();
      // Held messages keep their connections open; the server would wait closeTimeout for them.
      for (const connection of smtp.connections) {
        connection._socket.destroy();
      }
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => http.close(() => resolve())),
      ]);
    },
  };
}

function route(request: IncomingMessage, response: ServerResponse, inbox: Inbox): void {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  const method = request.method ?? 'GET';
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const find = (id: string | undefined): CaughtMail | undefined =>
    inbox.messages().find((message) => message.id === id);

  if (segments.length === 0 && method === 'GET') {
    sendHtml(response, 200, renderInboxPage(inbox.messages()));
    return;
  }
  if (segments[0] === 'messages') {
    if (segments.length === 2 && segments[1] === 'clear' && method === 'POST') {
      inbox.clear();
      response.writeHead(303, { location: '/' }).end();
      return;
    }
    const message = find(segments[1]);
    if (segments.length === 2 && method === 'GET') {
      if (message) {
        sendHtml(response, 200, renderMessagePage(message));
      } else {
        sendHtml(response, 404, '<!doctype html><p>No such message. <a href="/">Back to the inbox</a></p>');
      }
      return;
    }
    if (segments.length === 3 && segments[2] === 'raw' && method === 'GET') {
      if (message) {
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(message.raw);
      } else {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('No such message');
      }
      return;
    }
  }
  if (segments[0] === 'api' && segments[1] === 'messages') {
    if (segments.length === 2 && method === 'GET') {
      sendJson(response, 200, inbox.messages());
      return;
    }
    if (segments.length === 2 && method === 'DELETE') {
      inbox.clear();
      response.writeHead(204).end();
      return;
    }
    if (segments.length === 3 && method === 'GET') {
      const message = find(segments[2]);
      sendJson(response, message ? 200 : 404, message ?? { error: `No message with id ${segments[2]}` });
      return;
    }
  }
  sendJson(response, 404, { error: `No route for ${method} ${pathname}` });
}

function sendHtml(response: ServerResponse, status: number, html: string): void {
  response
    .writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': inboxContentSecurityPolicy,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    })
    .end(html);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(JSON.stringify(body));
}

/** Listens and resolves with the bound port, or rejects with the listen error (e.g. EADDRINUSE). */
function listen(
  start: (port: number, onListening: () => void) => void,
  server: NetServer,
  port: number,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    start(port, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function describePredicate(predicate: (message: CaughtMail) => boolean): string {
  const source = predicate.toString().replace(/\s+/g, ' ');
  return `a mail matching ${source.length > 200 ? `${source.slice(0, 200)}…` : source}`;
}

function timeoutMessage(timeoutMs: number, description: string, caught: readonly CaughtMail[]): string {
  const summary =
    caught.length === 0
      ? 'no mail was caught at all'
      : `caught ${caught.length} other message${caught.length === 1 ? '' : 's'}:\n${caught
          .map((message) => `  - "${message.subject}" from ${message.from} to ${message.to.join(', ')}`)
          .join('\n')}`;
  return `Timed out after ${timeoutMs} ms waiting for ${description}; ${summary}`;
}
