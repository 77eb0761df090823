import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { createTransport, type Transporter } from 'nodemailer';
import { asError, describeError } from '@rentguy/platform/errors';
import { mailConfig } from './mail.config';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Our own Message-ID, so a duplicate send is recognisable as such at the recipient's end. */
  messageId: string;
  headers: Record<string, string>;
}

export interface SentEmail {
  messageId: string;
  /** The relay's final reply, e.g. "250 2.0.0 Ok: queued as 4F…" (absent when it gave none). */
  response?: string;
}

/** The relay refused the message for good (a 5xx reply): retrying cannot help. */
export class MailRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailRejectedError';
  }
}

const tracer = trace.getTracer('@rentguy/notifications/feature');

/**
 * Timeouts unless SMTP_URL sets them itself: a relay that accepts the connection and then hangs must
 * fail the attempt (and let BullMQ retry) instead of holding a worker slot forever.
 */
const TRANSPORT_DEFAULTS: Readonly<Record<string, string>> = {
  maxMessages: '100',
  connectionTimeout: '10000',
  greetingTimeout: '10000',
  socketTimeout: '30000',
};

/** Sends email over SMTP (nodemailer, pooled connections). The only code that speaks SMTP. */
@Injectable()
export class SmtpMailRepository implements OnApplicationShutdown {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(@InjectConfig(mailConfig) config: ConfigOf<typeof mailConfig>) {
    this.transport = createTransport(smtpTransportUrl(config));
    this.from = config.MAIL_FROM;
  }

  /** The domain our Message-IDs are minted in: the sender's. */
  get messageIdDomain(): string {
    return /@([^>\s]+)>?\s*$/.exec(this.from)?.[1] ?? 'rentguy.invalid';
  }

  /**
   * @throws MailRejectedError when the relay refuses permanently (5xx); any other error (connection
   * refused or dropped, timeout, 4xx) is transient.
   */
  async send(email: OutgoingEmail): Promise<SentEmail> {
    // The last hop of the trace that started with the guest's request (nodemailer is not instrumented).
    return tracer.startActiveSpan('smtp send', { kind: SpanKind.CLIENT }, async (span) => {
      try {
        const info = await this.transport.sendMail({
          from: this.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: email.messageId,
          headers: email.headers,
        });
        return { messageId: info.messageId, response: info.response };
      } catch (error) {
        span.recordException(asError(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        if (isPermanentRejection(error)) {
          throw new MailRejectedError(describeError(error));
        }
        throw error;
      } finally {
        span.end();
      }
    });
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}

/** A pooled transport (`SMTP_MAX_CONNECTIONS`, `SMTP_RATE_PER_SECOND`), with the timeouts above. */
export function smtpTransportUrl(config: ConfigOf<typeof mailConfig>): string {
  const url = new URL(config.SMTP_URL);
  for (const [key, value] of Object.entries(TRANSPORT_DEFAULTS)) {
    if (!url.searchParams.has(key)) {
      url.searchParams.set(key, value);
    }
  }
  url.searchParams.set('pool', 'true');
  url.searchParams.set('maxConnections', String(config.SMTP_MAX_CONNECTIONS));
  if (config.SMTP_RATE_PER_SECOND > 0) {
    // nodemailer's pool sends at most rateLimit messages per rateDelta milliseconds.
    url.searchParams.set('rateDelta', '1000');
    url.searchParams.set('rateLimit', String(config.SMTP_RATE_PER_SECOND));
  }
  return url.toString();
}

/** A 5xx reply to any command (RCPT TO, MAIL FROM, DATA): the relay will say the same next time. */
function isPermanentRejection(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const { responseCode } = error as { responseCode?: unknown };
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
}
