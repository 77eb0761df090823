import { z } from 'zod';
import { commaSeparated, defineConfig } from '@rentguy/platform/config';

const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;
const proxyEntry = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6(), z.enum(PROXY_RANGE_NAMES)]);

/** How the public edge reads its callers and answers them (docs/architecture.md#http-at-the-edge). */
export const edgeHttpConfig = defineConfig('edge-http', {
  /**
   * The proxies in front of the gateway (an ingress, a load balancer) whose `X-Forwarded-For` is
   * believed: addresses, CIDRs or `loopback`/`linklocal`/`uniquelocal`, comma-separated. Empty,
   * the connecting address is the client, so nobody can pick their own address for the rate limits.
   */
  TRUSTED_PROXIES: commaSeparated().pipe(z.array(proxyEntry)),
  /** `max-age` of public reads (`Cache-Control: public, …`). */
  PUBLIC_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(60),
  /** `stale-while-revalidate` of public reads. */
  PUBLIC_CACHE_STALE_WHILE_REVALIDATE_SECONDS: z.coerce.number().int().min(0).default(300),
});
