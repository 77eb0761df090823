import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { Agent, request } from 'undici';
import { rentalsDataAccessConfig } from './rentals-data-access.config';

/** Why a feed could not be fetched, in words a host can act on (shown by `GET …/calendar-feeds`). */
export class FeedFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedFetchError';
  }
}

const MAX_REDIRECTS = 5;

/**
 * Addresses a feed may never be fetched from: private, loopback, link-local, CGNAT, multicast,
 * documentation and other special-purpose ranges (IANA registries). IPv4-mapped IPv6 addresses
 * are refused outright in `isAllowedFeedAddress` (a `::ffff:0:0/96` rule here would match every
 * IPv4 address: BlockList checks IPv4 against IPv6 rules in mapped form).
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether a feed may be fetched from this IP address. */
export function isAllowedFeedAddress(address: string, allowLoopback: boolean): boolean {
  const family = isIP(address);
  if (family === 0) {
    return false;
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (type === 'ipv6' && /^::ffff:/i.test(address)) {
    return false;
  }
  if (allowLoopback && LOOPBACK.check(address, type)) {
    return true;
  }
  return !FORBIDDEN.check(address, type);
}

/**
 * Fetches external iCal feeds with SSRF protection (docs/architecture.md#ical-sync): http(s) only,
 * every address checked when the connection is made (so a DNS answer or a redirect to a private
 * address is refused too, and a re-resolving host cannot swap addresses after the check), redirects
 * followed by hand and checked again, one timeout for the whole fetch and a size limit.
 */
@Injectable()
export class CalendarFeedHttpRepository implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(
    @InjectConfig(rentalsDataAccessConfig) private readonly config: ConfigOf<typeof rentalsDataAccessConfig>,
  ) {
    const allowLoopback = config.CALENDAR_FEED_ALLOW_LOOPBACK;
    const lookup: LookupFunction = (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) {
          callback(error, '', 0);
          return;
        }
        const refused = addresses.find((entry) => !isAllowedFeedAddress(entry.address, allowLoopback));
        const first = addresses[0];
        if (refused || !first) {
          callback(new FeedFetchError(`${hostname} resolves to a forbidden address`), '', 0);
          return;
        }
        if (options.all) {
          (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        } else {
          callback(null, first.address, first.family);
        }
      });
    };
    this.agent = new Agent({ connect: { lookup }, connections: 4 });
  }

  /** The body of the feed at `url` as text. @throws FeedFetchError */
  async fetch(url: string): Promise<string> {
    const signal = AbortSignal.timeout(this.config.CALENDAR_FEED_TIMEOUT_MS);
    let target = this.checkedUrl(url);
    try {
      for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
        const answer = await request(target, {
          dispatcher: this.agent,
          method: 'GET',
          headers: { accept: 'text/calendar, */*;q=0.5', 'user-agent': 'RentGuy-Calendar-Sync' },
          signal,
        });
        const location = answer.headers.location;
        if (answer.statusCode >= 300 && answer.statusCode < 400 && typeof location === 'string') {
          await answer.body.dump();
          target = this.checkedUrl(new URL(location, target).toString());
          continue;
        }
        if (answer.statusCode !== 200) {
          await answer.body.dump();
          throw new FeedFetchError(`the feed answered HTTP ${answer.statusCode}`);
        }
        return await this.readLimited(answer.body);
      }
      throw new FeedFetchError(`more than ${MAX_REDIRECTS} redirects`);
    } catch (error) {
      if (error instanceof FeedFetchError) {
        throw error;
      }
      if (signal.aborted) {
        throw new FeedFetchError(`no answer within ${this.config.CALENDAR_FEED_TIMEOUT_MS} ms`);
      }
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof FeedFetchError) {
        throw cause;
      }
      throw new FeedFetchError(`the feed could not be fetched: ${(error as Error).message}`);
    }
  }

  /** http(s) only, and an IP literal must be allowed (no DNS lookup happens for one). */
  checkedUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new FeedFetchError('not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FeedFetchError('only http and https feeds are fetched');
    }
    if (url.username || url.password) {
      throw new FeedFetchError('credentials in the URL are not accepted');
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0 && !isAllowedFeedAddress(host, this.config.CALENDAR_FEED_ALLOW_LOOPBACK)) {
      throw new FeedFetchError(`${host} is a forbidden address`);
    }
    return url;
  }

  private async readLimited(
    body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown },
  ): Promise<string> {
    const limit = this.config.CALENDAR_FEED_MAX_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > limit) {
        body.destroy();
        throw new FeedFetchError(`the feed is larger than ${limit} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}
