import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Pool, type Dispatcher } from 'undici';
import {
  DomainError,
  ErrorCode,
  internalBookingPath,
  internalBookingSchema,
  type InternalBooking,
} from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { paymentsDataAccessConfig } from './payments-data-access.config';
import { describeError } from '@rentguy/platform/errors';

/** Below rentals' own keep-alive (Fastify: 72 s), so we never reuse a socket it is closing. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

/**
 * Bookings as rentals has them now, over its internal HTTP API (a keep-alive undici pool): the only
 * code of payments that calls rentals. Read with the guest's own bearer token, as the gateway
 * forwarded it to us; payments never mints a token.
 */
@Injectable()
export class RentalsBookingRepository implements OnApplicationShutdown {
  private readonly logger = new Logger(RentalsBookingRepository.name);
  private readonly pool: Pool;
  /** Path prefix of RENTALS_URL, e.g. `/rentals` behind an ingress; usually empty. */
  private readonly basePath: string;

  constructor(@InjectConfig(paymentsDataAccessConfig) config: ConfigOf<typeof paymentsDataAccessConfig>) {
    const url = new URL(config.RENTALS_URL);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: config.RENTALS_CONNECTIONS,
      connect: { timeout: config.RENTALS_TIMEOUT_MS },
      headersTimeout: config.RENTALS_TIMEOUT_MS,
      bodyTimeout: config.RENTALS_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    });
  }

  /**
   * The booking, or null when rentals does not know it or it is not this guest's (rentals answers
   * both with 404). Rentals down, too slow or failing becomes `upstream_unavailable` (503).
   */
  async findForGuest(bookingId: string, accessToken: string): Promise<InternalBooking | null> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method: 'GET',
        path: this.basePath + internalBookingPath(bookingId),
        headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
      });
    } catch (error) {
      throw this.unavailable(bookingId, describeError(error));
    }
    if (response.statusCode === 404) {
      await response.body.dump();
      return null;
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw this.unavailable(bookingId, `answered ${response.statusCode}`);
    }
    let body: unknown;
    try {
      body = await response.body.json();
    } catch (error) {
      throw this.unavailable(bookingId, `unreadable body: ${describeError(error)}`);
    }
    const parsed = internalBookingSchema.safeParse(body);
    if (!parsed.success) {
      // A contract break between two deploys, not an outage: fail loudly (500), never guess.
      throw new Error(`rentals answered an invalid booking ${bookingId}: ${parsed.error.message}`);
    }
    if (parsed.data.bookingId !== bookingId) {
      throw new Error(`rentals answered booking ${parsed.data.bookingId} for ${bookingId}`);
    }
    return parsed.data;
  }

  // After the HTTP server has closed: reads in flight finish (each is bounded by its timeouts).
  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }

  private unavailable(bookingId: string, reason: string): DomainError {
    this.logger.warn(`rentals unavailable reading booking ${bookingId}: ${reason}`);
    return new DomainError(ErrorCode.UpstreamUnavailable, 'rentals is unavailable, try again shortly');
  }
}
