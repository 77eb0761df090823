import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AccessToken, ApiDoc, CurrentUser, Roles, validate, type Principal } from '@rentguy/platform/http';
import { bookingIdSchema, createPaymentSchema, type CreatePayment } from './create-payment.dto';
import { PaymentService, type PaymentView } from './payment.service';
import { paymentViewSchema } from './payment-view.schema';

@Controller('v1/bookings/:id/payments')
export class PaymentController {
  constructor(private readonly payments: PaymentService) {}

  /** 201 with a new payment; 200 with the payment already in flight for the booking. */
  @Post()
  @HttpCode(201)
  @Roles('guest')
  @ApiDoc({
    summary: 'Pay for a held booking with Stripe (a PaymentIntent) or Mollie (a checkout page)',
    tags: ['bookings'],
    responses: {
      201: { description: 'a new payment', schema: paymentViewSchema },
      200: { description: 'the payment already in flight for this booking', schema: paymentViewSchema },
      409: { description: 'not_payable: the booking is not held (expired, confirmed or cancelled)' },
    },
  })
  async create(
    @CurrentUser() user: Principal,
    @AccessToken() accessToken: string,
    @Param('id', validate(bookingIdSchema)) bookingId: string,
    @Body(validate(createPaymentSchema)) body: CreatePayment,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PaymentView> {
    const { payment, created } = await this.payments.startPayment(
      { id: user.id, accessToken },
      bookingId,
      body.provider,
      body.provider === 'mollie' ? body.method : undefined,
    );
    if (!created) {
      void reply.status(200);
    }
    return payment;
  }
}
