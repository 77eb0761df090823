import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { ApiDoc, Public } from '@rentguy/platform/http';
import { MOLLIE_WEBHOOK_PATH } from '@rentguy/payments/data-access';
import { webhookReceivedSchema } from './payment-view.schema';
import { WebhookInboxService } from './webhook-inbox.service';

export { MOLLIE_WEBHOOK_PATH };

@Controller()
export class MollieWebhookController {
  constructor(private readonly inbox: WebhookInboxService) {}

  /**
   * Mollie pings `id=tr_…` (unsigned) on every change of a payment. The ping is stored and answered
   * at once, whatever the id: an unknown one gets 200 too (Mollie advises it, so nobody can probe for
   * ids) and changes nothing once it has been fetched.
   */
  @Post(MOLLIE_WEBHOOK_PATH.slice(1))
  @Public()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Mollie webhook (for the provider, not for clients)',
    requestBody: {
      contentType: 'application/x-www-form-urlencoded',
      description: "Mollie's unsigned ping `id=tr_…`; the payment is fetched from Mollie",
    },
    responses: {
      200: { description: 'stored; processed asynchronously', schema: webhookReceivedSchema },
      400: { description: 'validation_failed: not a form body carrying `id`' },
    },
  })
  async receive(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ): Promise<{ received: true }> {
    if (!Buffer.isBuffer(body)) {
      throw new DomainError(ErrorCode.ValidationFailed, 'a Mollie webhook is a form body: id=tr_…', {
        fields: [{ path: 'id', message: 'required' }],
      });
    }
    await this.inbox.receive('mollie', body, headers);
    return { received: true };
  }
}
