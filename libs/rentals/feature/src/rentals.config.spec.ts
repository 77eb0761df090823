import { composeConfig, loadConfig } from '@rentguy/platform/config';
import { rentalsConfig } from './rentals.config';

const load = (env: Record<string, string>) => loadConfig(composeConfig('rentals', [rentalsConfig]), { env });

describe('rentals pricing settings', () => {
  it('charges no service fee and no tax unless configured', () => {
    expect(load({})).toMatchObject({ SERVICE_FEE_PERCENT: 0, TAX_RATES: {} });
  });

  it('reads percentages as basis points and the tax table per country', () => {
    expect(load({ SERVICE_FEE_PERCENT: '12.5', TAX_RATES: 'NL:9, de:7,FR:5.5' })).toMatchObject({
      SERVICE_FEE_PERCENT: 1_250,
      TAX_RATES: { NL: 900, DE: 700, FR: 550 },
    });
  });

  it('refuses malformed rates, rates over 100 % and a country listed twice', () => {
    const invalid: Record<string, string>[] = [
      { SERVICE_FEE_PERCENT: '-1' },
      { SERVICE_FEE_PERCENT: '12.345' },
      { SERVICE_FEE_PERCENT: '101' },
      { TAX_RATES: 'NL=9' },
      { TAX_RATES: 'NL:9,NL:21' },
      { TAX_RATES: 'NLD:9' },
    ];
    for (const env of invalid) {
      expect(() => load(env)).toThrow(Object.keys(env)[0]);
    }
  });
});
