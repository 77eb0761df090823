import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiDoc, CurrentUser, originOf, Roles, validate, type Principal } from '@rentguy/platform/http';
import { createRefundSchema, paymentIdSchema, type CreateRefund } from './create-refund.dto';
import { refundViewSchema } from './payment-view.schema';
import { RefundService, type RefundView } from './refund.service';

@Controller('v1/admin/payments/:id/refunds')
export class AdminRefundController {
  constructor(private readonly refunds: RefundService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiDoc({
    summary: 'Refund part or all of a payment as goodwill, beyond any cancellation refund',
    responses: {
      201: {
        description: 'the refund, `requested`; it becomes `succeeded` or `failed` as the provider answers',
        schema: refundViewSchema,
      },
    },
  })
  create(
    @CurrentUser() admin: Principal,
    @Param('id', validate(paymentIdSchema)) paymentId: string,
    @Body(validate(createRefundSchema)) body: CreateRefund,
    @Req() request: FastifyRequest,
  ): Promise<RefundView> {
    return this.refunds.goodwill(admin, paymentId, body.amount, body.reason, originOf(request));
  }
}
