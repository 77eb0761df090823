/** A file attached to a caught message (its content stays in `raw`). */
export interface CaughtAttachment {
  filename: string | null;
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
}

/** The SMTP envelope: what the client said in MAIL FROM and RCPT TO, Bcc recipients included. */
export interface MailEnvelope {
  from: string;
  to: string[];
}

/** A message received by the mail catcher. */
export interface CaughtMail {
  id: string;
  /** Bare address of the From header (the envelope sender when the header is missing). */
  from: string;
  /** Bare addresses of the To header (the envelope recipients when the header is missing). */
  to: string[];
  cc: string[];
  subject: string;
  /** The text/plain body, '' when the message has none. */
  text: string;
  /** The text/html body, when the message has one. */
  html?: string;
  /** Lower-cased header names; RFC 2047 words decoded; the first occurrence wins for repeated headers. */
  headers: Record<string, string>;
  attachments: CaughtAttachment[];
  envelope: MailEnvelope;
  receivedAt: Date;
  /** The message source as received (decoded as UTF-8). */
  raw: string;
  /** Set when the message could not be parsed; the fields above then come from the envelope only. */
  parseError?: string;
}
