import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { StripePaymentProvider } from '@rentguy/payments/data-access';
import type { PaymentProvider, PaymentProviderName } from '@rentguy/payments/domain';

/** The configured provider adapters by name. */
@Injectable()
export class PaymentProviderRegistry {
  private readonly providers: ReadonlyMap<PaymentProviderName, PaymentProvider>;

  constructor(stripe: StripePaymentProvider) {
    this.providers = new Map<PaymentProviderName, PaymentProvider>([[stripe.name, stripe]]);
  }

  get(name: PaymentProviderName): PaymentProvider {
    const provider = this.providers.get(name);
    if (!provider) {
      throw new DomainError(ErrorCode.ValidationFailed, `payment provider "${name}" is not available`, {
        provider: name,
      });
    }
    return provider;
  }
}
