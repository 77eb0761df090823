import { Injectable } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { quoteStay, type PriceBreakdown, type Rate } from '@rentguy/rentals/domain';
import { rentalsConfig } from './rentals.config';

/** Prices stays with the platform's service fee and the tax table of the configuration. */
@Injectable()
export class PricingService {
  constructor(@InjectConfig(rentalsConfig) private readonly config: ConfigOf<typeof rentalsConfig>) {}

  quote(property: Rate & { country: string }, nights: number): PriceBreakdown {
    return quoteStay(property, nights, {
      serviceFeeBps: this.config.SERVICE_FEE_PERCENT,
      taxBps: this.config.TAX_RATES[property.country] ?? 0,
    });
  }
}
