import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { stripeEventSchema } from '@rentguy/payments/data-access';
import { ApiDoc, Public } from '@rentguy/platform/http';
import { webhookReceivedSchema } from './payment-view.schema';
import { WebhookInboxService } from './webhook-inbox.service';

/** The route whose JSON body reaches the handler as raw bytes (see `keepRawJsonBody`). */
export const STRIPE_WEBHOOK_PATH = '/v1/webhooks/stripe';

@Controller()
export class StripeWebhookController {
  constructor(private readonly inbox: WebhookInboxService) {}

  /** Stripe retries anything but 2xx, so the answer comes as soon as the event is safely stored. */
  @Post(STRIPE_WEBHOOK_PATH.slice(1))
  @Public()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Stripe webhook (for the provider, not for clients)',
    requestBody: {
      contentType: 'application/json',
      description: "Stripe's event, byte for byte as signed (`Stripe-Signature` header)",
      schema: stripeEventSchema,
    },
    responses: {
      200: { description: 'stored; processed asynchronously', schema: webhookReceivedSchema },
      400: { description: 'invalid_signature: the body is not what Stripe signed, or it is too old' },
    },
  })
  async receive(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ): Promise<{ received: true }> {
    if (!Buffer.isBuffer(body)) {
      throw new DomainError(
        ErrorCode.InvalidSignature,
        'webhook body must be the raw JSON bytes Stripe signed',
      );
    }
    await this.inbox.receive('stripe', body, headers);
    return { received: true };
  }
}
