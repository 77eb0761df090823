import type { ConfigOf } from '@rentguy/platform/config';
import type { notificationsConfig } from './notifications.config';
import { UnsubscribeLinks } from './unsubscribe-links';

const config = (secret: string): ConfigOf<typeof notificationsConfig> => ({
  EMAIL_WORKER_CONCURRENCY: 1,
  EMAIL_SWEEP_INTERVAL_MS: 0,
  EMAIL_SWEEP_MIN_AGE_MS: 1000,
  OUTBOX_RETENTION_INTERVAL_MS: 0,
  PUBLIC_WEB_URL: 'https://web.rentguy.test',
  PUBLIC_BASE_URL: 'https://api.rentguy.test/',
  UNSUBSCRIBE_SECRET: secret,
});

describe('UnsubscribeLinks', () => {
  const links = new UnsubscribeLinks(config('a-secret-of-at-least-thirty-two-chars'));
  const grant = { recipientId: '3f1c2b8e-7a4d-4c3e-9f2a-1b2c3d4e5f60', category: 'host_tips' } as const;

  it('links to the public unsubscribe route with a token that verifies to its grant', () => {
    const url = new URL(links.url(grant));

    expect(`${url.origin}${url.pathname}`).toBe('https://api.rentguy.test/v1/notifications/unsubscribe');
    expect(links.verify(url.searchParams.get('token') ?? '')).toEqual(grant);
  });

  it('refuses a token whose grant was changed, one signed with another secret, and garbage', () => {
    const [, signature] = links.token(grant).split('.');
    const otherUser = Buffer.from(
      JSON.stringify({ r: '9b0e7c1a-2d3f-4a5b-8c6d-7e8f9a0b1c2d', c: 'host_tips' }),
    ).toString('base64url');
    const foreign = new UnsubscribeLinks(config('another-secret-of-at-least-32-chars')).token(grant);

    expect(links.verify(`${otherUser}.${signature}`)).toBeNull();
    expect(links.verify(foreign)).toBeNull();
    for (const token of ['', 'x', 'a.b', 'a.b.c', `${links.token(grant)}x`]) {
      expect(links.verify(token)).toBeNull();
    }
  });

  it('refuses a signed grant for a category that cannot be switched off', () => {
    const body = Buffer.from(JSON.stringify({ r: grant.recipientId, c: 'transactional' })).toString(
      'base64url',
    );
    const signed = (links as unknown as { sign(body: string): string }).sign(body);

    expect(links.verify(`${body}.${signed}`)).toBeNull();
  });
});
