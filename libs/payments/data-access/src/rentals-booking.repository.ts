import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  internalBookingPath,
  internalBookingSchema,
  type InternalBooking,
} from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { ServiceClient } from '@rentguy/platform/service-client';
import { paymentsDataAccessConfig } from './payments-data-access.config';

/**
 * Bookings as rentals has them now, over its internal HTTP API: the only code of payments that
 * calls rentals. Read with the guest's own bearer token, as the gateway forwarded it to us;
 * payments never mints a token.
 */
@Injectable()
export class RentalsBookingRepository implements OnApplicationShutdown {
  private readonly rentals: ServiceClient;

  constructor(@InjectConfig(paymentsDataAccessConfig) config: ConfigOf<typeof paymentsDataAccessConfig>) {
    this.rentals = new ServiceClient({
      service: 'rentals',
      url: config.RENTALS_URL,
      timeoutMs: config.RENTALS_TIMEOUT_MS,
      connections: config.RENTALS_CONNECTIONS,
    });
  }

  /**
   * The booking, or null when rentals does not know it or it is not this guest's (rentals answers
   * both with 404). Rentals down, too slow or failing becomes `upstream_unavailable` (503).
   */
  async findForGuest(bookingId: string, accessToken: string): Promise<InternalBooking | null> {
    const answer = await this.rentals.request({
      method: 'GET',
      path: internalBookingPath(bookingId),
      authorization: `Bearer ${accessToken}`,
      schema: internalBookingSchema,
    });
    if (!answer.ok) {
      if (answer.status === 404) {
        return null;
      }
      if (answer.status === 401) {
        // The token expired on its way here.
        throw new DomainError(ErrorCode.Unauthenticated, 'invalid or expired access token');
      }
      throw new Error(`rentals refused to read booking ${bookingId} for its guest (${answer.status})`);
    }
    if (answer.body.bookingId !== bookingId) {
      throw new Error(`rentals answered booking ${answer.body.bookingId} for ${bookingId}`);
    }
    return answer.body;
  }

  // After the HTTP server has closed: reads in flight finish (each is bounded by its timeouts).
  async onApplicationShutdown(): Promise<void> {
    await this.rentals.close();
  }
}
