import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  INTERNAL_SETTLEMENTS_MAX_BOOKINGS,
  internalSettlementsPath,
  internalSettlementsSchema,
  type InternalSettlement,
} from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { ServiceClient } from '@rentguy/platform/service-client';
import { rentalsDataAccessConfig } from './rentals-data-access.config';

/**
 * Which bookings payments has taken money for, over its internal HTTP API: the only code of
 * rentals that calls payments. Asked by sweeps, which no guest waits on, so rentals presents its
 * own service credential.
 */
@Injectable()
export class PaymentsSettlementRepository implements OnApplicationShutdown {
  private readonly payments: ServiceClient;
  private readonly authorization: string;

  constructor(@InjectConfig(rentalsDataAccessConfig) config: ConfigOf<typeof rentalsDataAccessConfig>) {
    this.payments = new ServiceClient({
      service: 'payments',
      url: config.PAYMENTS_URL,
      timeoutMs: config.PAYMENTS_TIMEOUT_MS,
      connections: 2,
    });
    this.authorization = `Bearer ${config.PAYMENTS_SERVICE_TOKEN}`;
  }

  /**
   * The succeeded payment of each of these bookings that has one. Payments down, too slow or
   * failing throws `upstream_unavailable`; the caller decides nothing on a guess.
   */
  async findSettled(bookingIds: readonly string[]): Promise<InternalSettlement[]> {
    const settled: InternalSettlement[] = [];
    for (let i = 0; i < bookingIds.length; i += INTERNAL_SETTLEMENTS_MAX_BOOKINGS) {
      const batch = bookingIds.slice(i, i + INTERNAL_SETTLEMENTS_MAX_BOOKINGS);
      const answer = await this.payments.request({
        method: 'POST',
        path: internalSettlementsPath,
        authorization: this.authorization,
        body: { bookingIds: batch },
        schema: internalSettlementsSchema,
      });
      if (!answer.ok) {
        // 401: PAYMENTS_SERVICE_TOKEN is not among payments' SERVICE_TOKENS for rentals.
        throw new Error(`payments refused rentals' settlement query (${answer.status})`);
      }
      const asked = new Set(batch);
      settled.push(...answer.body.items.filter((item) => asked.has(item.bookingId)));
    }
    return settled;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.payments.close();
  }
}
