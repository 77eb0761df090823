import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  INTERNAL_SETTLEMENTS_ROUTE,
  internalSettlementsQuerySchema,
  type InternalSettlements,
  type InternalSettlementsQuery,
} from '@rentguy/contracts';
import { ServiceOnly, validate } from '@rentguy/platform/http';
import { PaymentRepository } from '@rentguy/payments/data-access';

/**
 * Rentals' question before it expires holds, and in its scheduled cross-check: which of these
 * bookings has a succeeded payment? Service-only: rentals asks with its own credential, as no
 * guest is waiting on a sweep.
 */
@Controller()
export class InternalSettlementController {
  constructor(private readonly payments: PaymentRepository) {}

  @Post(INTERNAL_SETTLEMENTS_ROUTE)
  @HttpCode(200)
  @ServiceOnly('rentals')
  async query(
    @Body(validate(internalSettlementsQuerySchema)) query: InternalSettlementsQuery,
  ): Promise<InternalSettlements> {
    const succeeded = await this.payments.findSucceededForBookings(query.bookingIds);
    return {
      items: succeeded.map((payment) => ({
        bookingId: payment.bookingId,
        paymentId: payment.id,
        amount: payment.amount,
        currency: payment.currency,
      })),
    };
  }
}
