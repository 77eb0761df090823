import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { propertyCacheTag } from '@rentguy/contracts';
import { ReadCache } from '@rentguy/platform/cache';

/** A service's answer as the edge keeps it: small, uncompressed text. */
export interface KeptAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What one cacheable read is kept under, for how long, and which invalidations drop it. */
export interface EdgeRead {
  key: string;
  ttlSeconds: number;
  tags: readonly string[];
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * The anonymous reads the edge answers from the read cache, in rentals' cache space
 * (LISTING_CACHE_PREFIX) under the tags rentals invalidates: a property's page is dropped, here and on
 * every gateway, by the change that drops rentals' own entry. Same lifetime as rentals' entry.
 */
const EDGE_READS: readonly { path: RegExp; read: (id: string) => EdgeRead }[] = [
  {
    path: new RegExp(`^/v1/properties/(${UUID})$`, 'i'),
    read: (id) => ({
      key: `edge:/v1/properties/${id.toLowerCase()}`,
      ttlSeconds: 300,
      tags: [propertyCacheTag(id.toLowerCase())],
    }),
  },
];

/** Statuses kept: the page, and "no such (published) property", which its publication invalidates. */
const KEPT_STATUSES: ReadonlySet<number> = new Set([200, 404]);
const KEPT_MAX_BYTES = 64 * 1024;

/** An answer that may not be kept: the read passes it on as it came (`EdgeReadCache.answer`). */
export class UnkeptAnswer<T> extends Error {
  constructor(readonly answer: T) {
    super('answer not kept at the edge');
  }
}

/**
 * Anonymous public reads answered at the gateway, so a warm read costs no hop to the service.
 * Signed-in callers always reach the service: what it answers them may be personal.
 */
@Injectable()
export class EdgeReadCache {
  constructor(private readonly cache: ReadCache) {}

  /** The cache entry for `request`, when it is an anonymous read the edge keeps. */
  readOf(request: FastifyRequest): EdgeRead | undefined {
    if (
      request.method !== 'GET' ||
      request.headers.authorization !== undefined ||
      request.headers['x-api-key'] !== undefined
    ) {
      return undefined;
    }
    for (const { path, read } of EDGE_READS) {
      const id = path.exec(request.url)?.[1];
      if (id !== undefined) {
        return read(id);
      }
    }
    return undefined;
  }

  /**
   * The kept answer of `read`, or what `fetch` brings (then kept when it may be). `fetch` throws
   * `UnkeptAnswer` for an answer that may not be kept; that reaches the caller to pass on.
   */
  answer(read: EdgeRead, fetch: () => Promise<KeptAnswer>): Promise<KeptAnswer> {
    return this.cache.getOrLoad(read.key, fetch, { ttlSeconds: read.ttlSeconds, tags: read.tags });
  }

  /**
   * After a write through this gateway to a property succeeded: its kept reads go at once, not when
   * rentals' invalidation arrives over the bus, so the writer reads its own write.
   */
  async wrote(request: FastifyRequest, status: number): Promise<void> {
    if (request.method === 'GET' || request.method === 'HEAD' || status >= 300) {
      return;
    }
    const id = new RegExp(`^/v1/properties/(${UUID})(/|\\?|$)`, 'i').exec(request.url)?.[1];
    if (id !== undefined) {
      await this.cache.invalidate([propertyCacheTag(id.toLowerCase())]);
    }
  }

  /** Whether an answer may be kept: a kept status, small, uncompressed, the same for everyone. */
  static keeps(status: number, headers: Record<string, string>, body: Buffer): boolean {
    return (
      KEPT_STATUSES.has(status) &&
      body.length <= KEPT_MAX_BYTES &&
      headers['content-encoding'] === undefined &&
      headers['vary'] === undefined &&
      (headers['content-type'] ?? '').startsWith('application/json')
    );
  }
}
