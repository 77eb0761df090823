import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { MolliePaymentProvider, StripePaymentProvider } from '@rentguy/payments/data-access';
import type { PaymentProvider, PaymentProviderName } from '@rentguy/payments/domain';

/** The configured provider adapters by name (Mollie only when `MOLLIE_API_KEY` is set). */
@Injectable()
export class PaymentProviderRegistry {
  private readonly providers: ReadonlyMap<PaymentProviderName, PaymentProvider>;

  constructor(stripe: StripePaymentProvider, mollie: MolliePaymentProvider) {
    const providers = new Map<PaymentProviderName, PaymentProvider>([[stripe.name, stripe]]);
    if (mollie.configured) {
      providers.set(mollie.name, mollie);
    }
    this.providers = providers;
  }

  get(name: PaymentProviderName): PaymentProvider {
    const provider = this.providers.get(name);
    if (!provider) {
      throw new DomainError(ErrorCode.ValidationFailed, `payment provider "${name}" is not available`, {
        provider: name,
        fields: [{ path: 'provider', message: `${name} is not configured on this platform` }],
      });
    }
    return provider;
  }
}
