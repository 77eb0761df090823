import PostalMime from 'postal-mime';

import type { CaughtMail, MailEnvelope } from './caught-mail.model';
import { describeError } from '@rentguy/platform/errors';

/** What parsing yields; the catcher adds id, envelope, receivedAt and raw. */
export type ParsedMail = Omit<CaughtMail, 'id' | 'envelope' | 'receivedAt' | 'raw'>;

/**
 * Parses an RFC 5322 message with postal-mime, which unfolds headers, decodes encoded-words and
 * quoted-printable/base64 bodies, and picks text/html out of multipart/alternative trees.
 */
export async function parseMailMessage(raw: Buffer, envelope: MailEnvelope): Promise<ParsedMail> {
  let email: PostalMime.Email;
  try {
    email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  } catch (error) {
    // A catcher never bounces mail: keep the raw source so the test can still look at it.
    return {
      from: envelope.from,
      to: envelope.to,
      cc: [],
      subject: '',
      text: '',
      headers: {},
      attachments: [],
      parseError: describeError(error),
    };
  }

  const headers: Record<string, string> = {};
  for (const header of email.headers) {
    if (!(header.key in headers)) {
      headers[header.key] = PostalMime.decodeWords(header.value);
    }
  }

  const fromAddress = email.from ? mailboxesOf([email.from])[0] : undefined;
  const to = mailboxesOf(email.to ?? []);
  return {
    from: fromAddress ?? envelope.from,
    to: to.length > 0 ? to : envelope.to,
    cc: mailboxesOf(email.cc ?? []),
    subject: email.subject ?? '',
    text: withoutDelimiterLineBreak(email.text ?? ''),
    ...(email.html !== undefined ? { html: withoutDelimiterLineBreak(email.html) } : {}),
    headers,
    attachments: email.attachments.map((attachment) => ({
      filename: attachment.filename,
      contentType: attachment.mimeType,
      size: byteLength(attachment.content),
    })),
  };
}

/**
 * postal-mime keeps the line break that ends a part's last line, but RFC 2046 §5.1.1 makes the
 * CRLF before a boundary part of the boundary (and SMTP ends every message with one). Dropping it
 * lets a body compare equal to what the app handed to its mailer.
 */
function withoutDelimiterLineBreak(body: string): string {
  return body.replace(/\r?\n$/, '');
}

function mailboxesOf(addresses: PostalMime.Address[]): string[] {
  return addresses.flatMap((address) =>
    address.group ? address.group.map((member) => member.address) : [address.address],
  );
}

function byteLength(content: ArrayBuffer | Uint8Array | string): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
}
