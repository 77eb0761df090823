import { canonicalParams, FormParamsConflictError, parseFormParams } from './form-params.parser';

describe('parseFormParams', () => {
  it('decodes bracket notation as the stripe SDK writes it', () => {
    const params = parseFormParams(
      'amount=24000&currency=eur&metadata[bookingId]=bk_1&metadata[note]=a+b%26c&payment_method_types[0]=card&payment_method_types[1]=ideal&automatic_payment_methods[enabled]=true',
    );
    expect(JSON.parse(JSON.stringify(params))).toEqual({
      amount: '24000',
      currency: 'eur',
      metadata: { bookingId: 'bk_1', note: 'a b&c' },
      payment_method_types: { 0: 'card', 1: 'ideal' },
      automatic_payment_methods: { enabled: 'true' },
    });
  });

  it('appends for empty brackets and keeps percent-encoded brackets in values', () => {
    const params = parseFormParams('expand[]=a&expand[]=b&description=%5Bnot%5D%20nested');
    expect(JSON.parse(JSON.stringify(params))).toEqual({
      expand: { 0: 'a', 1: 'b' },
      description: '[not] nested',
    });
  });

  it('treats __proto__ as an ordinary key', () => {
    const params = parseFormParams('metadata[__proto__]=x&__proto__[polluted]=yes');
    expect(Object.keys(params)).toEqual(['metadata', '__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects a name given both as a value and as a hash', () => {
    expect(() => parseFormParams('metadata=x&metadata[a]=b')).toThrow(FormParamsConflictError);
    expect(() => parseFormParams('metadata[a][b]=x&metadata[a]=b')).toThrow('Invalid value for metadata[a]');
  });

  it('compares params regardless of order', () => {
    expect(canonicalParams(parseFormParams('a=1&m[x]=1&m[y]=2'))).toBe(
      canonicalParams(parseFormParams('m[y]=2&a=1&m[x]=1')),
    );
    expect(canonicalParams(parseFormParams('a=1'))).not.toBe(canonicalParams(parseFormParams('a=2')));
  });
});
