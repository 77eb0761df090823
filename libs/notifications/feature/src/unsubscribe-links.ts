import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isSwitchable, type SwitchableCategory } from '@rentguy/notifications/domain';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { z } from 'zod';
import { notificationsConfig } from './notifications.config';

/** What an unsubscribe link stands for: one user leaving one category. */
export interface UnsubscribeGrant {
  recipientId: string;
  category: SwitchableCategory;
}

const grantSchema = z
  .object({ r: z.uuid(), c: z.string().refine(isSwitchable, 'not a switchable category') })
  .strict();

/**
 * Signed one-click unsubscribe links: `base64url(grant).base64url(HMAC-SHA256(grant))` under
 * UNSUBSCRIBE_SECRET, so a link works without a login and cannot be forged for somebody else. They
 * do not expire: a recipient may unsubscribe from an old email.
 */
@Injectable()
export class UnsubscribeLinks {
  private readonly secret: string;
  private readonly endpoint: URL;

  constructor(@InjectConfig(notificationsConfig) config: ConfigOf<typeof notificationsConfig>) {
    this.secret = config.UNSUBSCRIBE_SECRET;
    this.endpoint = new URL(`${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/v1/notifications/unsubscribe`);
  }

  /** The link for the email body and the RFC 8058 `List-Unsubscribe` header. */
  url(grant: UnsubscribeGrant): string {
    const url = new URL(this.endpoint);
    url.searchParams.set('token', this.token(grant));
    return url.toString();
  }

  token(grant: UnsubscribeGrant): string {
    const body = Buffer.from(JSON.stringify({ r: grant.recipientId, c: grant.category })).toString(
      'base64url',
    );
    return `${body}.${this.sign(body)}`;
  }

  /** The grant of a token this service signed, or null for anything else. */
  verify(token: string): UnsubscribeGrant | null {
    const [body, signature, ...rest] = token.split('.');
    if (!body || !signature || rest.length > 0) {
      return null;
    }
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return null;
    }
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const grant = grantSchema.safeParse(decoded);
    return grant.success ? { recipientId: grant.data.r, category: grant.data.c as SwitchableCategory } : null;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
