import { createHash } from 'node:crypto';
import type { EdgeCachePolicy } from './edge.routes';

export interface PublicCacheSettings {
  maxAgeSeconds: number;
  staleWhileRevalidateSeconds: number;
}

export interface AnsweredRequest {
  method: string;
  status: number;
  /** A bearer token or API key came with the request: the answer may be personal. */
  authenticated: boolean;
}

const NOT_STORED = 'private, no-store';
const A_YEAR = 31_536_000;

const isRead = (method: string): boolean => method === 'GET' || method === 'HEAD';
const isFresh = (status: number): boolean => (status >= 200 && status < 300) || status === 304;

/** `Cache-Control` of an answer under its route's policy (see `ROUTE_CACHE_POLICIES`). */
export function cacheControlOf(
  policy: EdgeCachePolicy,
  answered: AnsweredRequest,
  settings: PublicCacheSettings,
): string {
  if (policy === 'private' || !isRead(answered.method) || !isFresh(answered.status)) {
    return NOT_STORED;
  }
  if (policy === 'immutable') {
    return `public, max-age=${A_YEAR}, immutable`;
  }
  if (answered.authenticated) {
    return NOT_STORED;
  }
  return `public, max-age=${settings.maxAgeSeconds}, stale-while-revalidate=${settings.staleWhileRevalidateSeconds}`;
}

/** Whether the gateway gives this answer an ETag and honours `If-None-Match` for it. */
export function takesEtag(policy: EdgeCachePolicy, answered: AnsweredRequest): boolean {
  return (
    policy !== 'private' &&
    answered.method === 'GET' &&
    answered.status === 200 &&
    (policy === 'immutable' || !answered.authenticated)
  );
}

/** A strong validator: the SHA-256 of the exact (uncompressed) body. */
export function strongEtag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');

/** `If-None-Match` holds for `etag` (weak comparison, RFC 9110 §13.1.2): `*` or any listed tag. */
export function ifNoneMatchHolds(header: string | undefined, etag: string): boolean {
  if (header === undefined) {
    return false;
  }
  if (header.trim() === '*') {
    return true;
  }
  const wanted = opaque(etag);
  return header.split(',').some((tag) => opaque(tag) === wanted);
}

/**
 * The CSP of every HTML page the gateway serves (the API docs page): scripts, styles, fonts and
 * calls only from the gateway itself, inline styles allowed (API reference UIs set them), images
 * also as `data:`, never framed.
 */
export const HTML_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/**
 * The API docs page's CSP: the HTML pages' one, with `script-src` widened by exactly the SHA-256 of
 * the page's own inline scripts (the reference's two-line bootstrap), so no other inline script runs.
 * For that page only: it is the gateway's own HTML, never content a user supplied.
 */
export function docsPageContentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(INLINE_SCRIPT)].map(
    ([, script]) =>
      `'sha256-${createHash('sha256')
        .update(script ?? '')
        .digest('base64')}'`,
  );
  return HTML_CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'",
    ["script-src 'self'", ...hashes].join(' '),
  );
}
