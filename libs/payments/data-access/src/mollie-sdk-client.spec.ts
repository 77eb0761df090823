import https from 'node:https';
import { networkInterfaces } from 'node:os';
import { ConfigError, composeConfig, loadConfig, type ConfigOf } from '@rentguy/platform/config';
import { startFakeMollie, type FakeMollie } from '@rentguy/testing/mollie-fake';
import { MolliePaymentProvider } from './mollie-payment.provider';
import { createMollieSdkClient, fetchLoopbackCertificate } from './mollie-sdk-client';
import { paymentsDataAccessConfig } from './payments-data-access.config';

const apiKey = 'test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM';
const paymentId = '4f1c6c1e-5d3a-4b8e-9d61-0b1f7b0b5a11';
const bookingId = '9a0e2f6b-0c4d-4a77-8f3e-6b2d1c0e9f88';

function providerFor(baseUrl: string): MolliePaymentProvider {
  return new MolliePaymentProvider({
    MOLLIE_API_KEY: apiKey,
    MOLLIE_API_BASE_URL: baseUrl,
    PUBLIC_WEB_URL: 'https://web.example.com/payments/return',
    PUBLIC_BASE_URL: 'https://api.example.com/',
    MOLLIE_TIMEOUT_MS: 2000,
  } as ConfigOf<typeof paymentsDataAccessConfig>);
}

/** A local address of this machine that is not loopback, if it has one. */
function nonLoopbackAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
}

describe('MolliePaymentProvider against the fake, through the official SDK', () => {
  let fake: FakeMollie;

  beforeAll(async () => {
    // Nobody listens at the payments' webhook URL here: one quick try per ping.
    fake = await startFakeMollie({ pingRetry: { attempts: 1, timeoutMs: 200 } });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('creates a payment with the exact amount, redirect and webhook URLs, metadata and our id as idempotency key', async () => {
    const provider = providerFor(fake.apiUrl);
    const created = await provider.create({
      paymentId,
      bookingId,
      amount: 36000,
      currency: 'EUR',
      method: 'ideal',
    });
    expect(created).toMatchObject({ status: 'pending', amount: 36000, currency: 'EUR', clientSecret: null });
    expect(created.providerPaymentId).toMatch(/^tr_\w{10}$/);
    expect(created.checkoutUrl).toBe(`${fake.url}/checkout/${created.providerPaymentId}`);
    const [payment] = fake.payments().filter((p) => p.id === created.providerPaymentId);
    expect(payment).toMatchObject({
      amount: { currency: 'EUR', value: '360.00' },
      method: 'ideal',
      metadata: { paymentId, bookingId },
      webhookUrl: 'https://api.example.com/v1/webhooks/mollie',
    });
    expect(new URL(payment.redirectUrl).searchParams.get('paymentId')).toBe(paymentId);
    expect(payment.redirectUrl.startsWith('https://web.example.com/payments/return?')).toBe(true);
    const request = fake.requests.find((r) => r.method === 'POST' && r.path === '/v2/payments');
    expect(request?.idempotencyKey).toBe(paymentId);

    // The same key again (a retry, or reconciliation) is the same payment.
    const again = await provider.create({
      paymentId,
      bookingId,
      amount: 36000,
      currency: 'EUR',
      method: 'ideal',
    });
    expect(again.providerPaymentId).toBe(created.providerPaymentId);
  });

  it('formats amounts of currencies without minor units exactly', async () => {
    const created = await providerFor(fake.apiUrl).create({
      paymentId: '5f1c6c1e-5d3a-4b8e-9d61-0b1f7b0b5a12',
      bookingId,
      amount: 12000,
      currency: 'JPY',
      method: 'creditcard',
    });
    expect(fake.payments().find((p) => p.id === created.providerPaymentId)?.amount).toEqual({
      currency: 'JPY',
      value: '12000',
    });
    expect(created.amount).toBe(12000);
  });

  it('learns what happened only by fetching, and cancels only what Mollie still lets it cancel', async () => {
    const provider = providerFor(fake.apiUrl);
    const paid = await provider.create({
      paymentId: '6f1c6c1e-5d3a-4b8e-9d61-0b1f7b0b5a13',
      bookingId,
      amount: 500,
      currency: 'EUR',
    });
    await fake.complete(paid.providerPaymentId, 'paid');
    const { payment: update } = await provider.newsOf({
      eventId: 'ping',
      type: 'payment.ping',
      payload: { id: paid.providerPaymentId },
    });
    expect(update).toMatchObject({
      status: 'succeeded',
      amount: 500,
      currency: 'EUR',
      newsId: `${paid.providerPaymentId}:paid`,
    });
    // Paid is not cancelable: the caller learns it is paid.
    expect((await provider.cancel(paid.providerPaymentId, 'x')).status).toBe('succeeded');

    const open = await provider.create({
      paymentId: '7f1c6c1e-5d3a-4b8e-9d61-0b1f7b0b5a14',
      bookingId,
      amount: 500,
      currency: 'EUR',
    });
    expect((await provider.cancel(open.providerPaymentId, 'y')).status).toBe('canceled');

    const unknown = await provider.newsOf({
      eventId: 'ping',
      type: 'payment.ping',
      payload: { id: 'tr_unknown123' },
    });
    expect(unknown).toEqual({ payment: null, refunds: [] });
  });

  it('refunds through the SDK with the refund id as idempotency key', async () => {
    const provider = providerFor(fake.apiUrl);
    const paid = await provider.create({
      paymentId: '8f1c6c1e-5d3a-4b8e-9d61-0b1f7b0b5a15',
      bookingId,
      amount: 1999,
      currency: 'EUR',
    });
    await fake.complete(paid.providerPaymentId, 'paid');
    const refund = await provider.refund({
      refundId: 'f0e1d2c3-0000-4000-8000-000000000001',
      providerPaymentId: paid.providerPaymentId,
      amount: 999,
    });
    expect(refund).toMatchObject({ status: 'pending' });
    expect(fake.refunds().find((r) => r.id === refund.providerRefundId)?.amount).toEqual({
      currency: 'EUR',
      value: '9.99',
    });
    expect(
      fake.requests.find((r) => r.path.endsWith('/refunds') && r.method === 'POST')?.idempotencyKey,
    ).toBe('f0e1d2c3-0000-4000-8000-000000000001');
    await fake.settleRefund(refund.providerRefundId, 'refunded');
    const news = await provider.newsOf({
      eventId: 'p',
      type: 'payment.ping',
      payload: { id: paid.providerPaymentId },
    });
    expect(news.payment?.newsId).toBe(`${paid.providerPaymentId}:paid:${refund.providerRefundId}=refunded`);
    // The refund's news comes with the fetched payment, naming our refund id from its metadata.
    expect(news.refunds).toEqual([
      {
        providerRefundId: refund.providerRefundId,
        status: 'succeeded',
        refundId: 'f0e1d2c3-0000-4000-8000-000000000001',
        failureReason: null,
      },
    ]);
    await expect(
      provider.fetchRefund(paid.providerPaymentId, refund.providerRefundId),
    ).resolves.toMatchObject({
      status: 'succeeded',
    });
  });
});

describe('connections to Mollie', () => {
  it('keeps its TLS connection alive: the calls after the first open none', async () => {
    const fake = await startFakeMollie();
    try {
      const client = createMollieSdkClient({
        apiKey,
        apiEndpoint: fake.apiUrl,
        trustedCertificate: await fetchLoopbackCertificate(fake.apiUrl, 2000),
      });
      const call = () =>
        expect(client.payments.get('tr_missing1234')).rejects.toMatchObject({ statusCode: 404 });
      await call();
      const afterFirst = fake.tlsConnections();
      for (let again = 0; again < 4; again += 1) {
        await call();
      }

      expect(fake.tlsConnections()).toBe(afterFirst);
    } finally {
      await fake.close();
    }
  });
});

describe('TLS: a self-signed certificate is trusted on loopback only, and by the Mollie client only', () => {
  it('leaves https.Agent and every other connection to the loopback fake verifying as before', async () => {
    const fake = await startFakeMollie();
    try {
      const original = https.Agent;
      const client = createMollieSdkClient({
        apiKey,
        apiEndpoint: fake.apiUrl,
        trustedCertificate: await fetchLoopbackCertificate(fake.apiUrl, 2000),
      });
      expect(https.Agent).toBe(original);
      await expect(client.payments.get('tr_missing1234')).rejects.toMatchObject({ statusCode: 404 });
      // Another client of the same server, not the Mollie client: refused like any self-signed certificate.
      await expect(
        new Promise((resolve, reject) => https.get(`${fake.url}/`, resolve).on('error', reject)),
      ).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      await expect(fetch(`${fake.url}/`)).rejects.toThrow();
      // The SDK on its own (no pinned certificate) refuses the fake as well.
      const unpinned = createMollieSdkClient({ apiKey, apiEndpoint: fake.apiUrl });
      await expect(unpinned.payments.get('tr_missing1234')).rejects.toThrow(/self-signed certificate/);
    } finally {
      await fake.close();
    }
  });

  it('refuses to pin anything off loopback', async () => {
    await expect(fetchLoopbackCertificate('https://192.0.2.2:443/v2/', 500)).rejects.toThrow(/non-loopback/);
    expect(() =>
      createMollieSdkClient({ apiKey, apiEndpoint: 'https://api.mollie.com/v2/', trustedCertificate: 'pem' }),
    ).toThrow(/loopback/);
  });

  const address = nonLoopbackAddress();
  (address ? it : it.skip)(
    `refuses a self-signed server on this machine's non-loopback address (${address ?? 'none'})`,
    async () => {
      const fake = await startFakeMollie({ host: address });
      try {
        const provider = providerFor(fake.apiUrl);
        await expect(
          provider.create({ paymentId, bookingId, amount: 100, currency: 'EUR' }),
        ).rejects.toMatchObject({ code: 'upstream_unavailable' });
        expect(fake.requests).toHaveLength(0);
      } finally {
        await fake.close();
      }
    },
  );
});

describe('payments config and TLS-relaxing settings', () => {
  const composition = composeConfig('payments', [paymentsDataAccessConfig]);
  const base = { STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x', MOLLIE_API_KEY: apiKey };

  it("defaults to Mollie's production API", () => {
    expect(loadConfig(composition, { env: base, envFile: false }).MOLLIE_API_BASE_URL).toBe(
      'https://api.mollie.com/v2/',
    );
  });

  it.each([
    ['https://api.mollie.com/v2/', 'NODE_TLS_REJECT_UNAUTHORIZED'],
    ['https://192.0.2.2:12112/v2/', 'NODE_TLS_REJECT_UNAUTHORIZED'],
    ['https://127.0.0.1:12112/v2/', 'NODE_TLS_REJECT_UNAUTHORIZED'],
  ])('refuses to start with MOLLIE_API_BASE_URL=%s and NODE_TLS_REJECT_UNAUTHORIZED=0', (url, key) => {
    expect(() =>
      loadConfig(composition, {
        env: { ...base, MOLLIE_API_BASE_URL: url, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
        envFile: false,
      }),
    ).toThrow(new RegExp(key));
    expect(() =>
      loadConfig(composition, {
        env: { ...base, MOLLIE_API_BASE_URL: url, NODE_TLS_REJECT_UNAUTHORIZED: '0' },
        envFile: false,
      }),
    ).toThrow(ConfigError);
  });

  it('refuses a plain-HTTP base URL and a key that is not a Mollie key', () => {
    expect(() =>
      loadConfig(composition, {
        env: { ...base, MOLLIE_API_BASE_URL: 'http://127.0.0.1:1/v2/' },
        envFile: false,
      }),
    ).toThrow(/MOLLIE_API_BASE_URL/);
    expect(() =>
      loadConfig(composition, { env: { ...base, MOLLIE_API_KEY: 'sk_test_123' }, envFile: false }),
    ).toThrow(/MOLLIE_API_KEY/);
  });
});
