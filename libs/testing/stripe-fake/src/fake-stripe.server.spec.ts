import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { freePort, waitUntil } from '@rentguy/testing/platform';
import Stripe from 'stripe';

import { startFakeStripe, type FakeStripe, type FakeStripeOptions } from './fake-stripe.server';

const webhookSecret = 'whsec_test_fake_stripe_spec';

interface ReceivedWebhook {
  rawBody: string;
  headers: IncomingHttpHeaders;
}

/** The app's side of the webhook: keeps the raw body (signatures are over the exact bytes). */
class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Statuses to answer with, one per request; 200 once they run out. */
  answers: number[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ rawBody: Buffer.concat(chunks).toString('utf8'), headers: request.headers });
        response.writeHead(this.answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`;
  }

  events(): Stripe.Event[] {
    return this.received.map((webhook) =>
      Stripe.webhooks.constructEvent(
        webhook.rawBody,
        String(webhook.headers['stripe-signature']),
        webhookSecret,
      ),
    );
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

function sdk(fake: FakeStripe, key = 'sk_test_spec_key'): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port: fake.port, protocol: 'http' });
}

describe('startFakeStripe', () => {
  let fake: FakeStripe;
  let stripe: Stripe;
  let receiver: WebhookReceiver;

  async function start(options: Partial<FakeStripeOptions> = {}): Promise<void> {
    fake = await startFakeStripe({
      webhookSecret,
      webhookUrl: receiver.url,
      webhookRetry: { attempts: 3, backoffMs: 10 },
      ...options,
    });
    stripe = sdk(fake);
  }

  beforeEach(async () => {
    receiver = new WebhookReceiver();
    await receiver.start();
  });

  afterEach(async () => {
    await fake.close();
    await receiver.stop();
  });

  describe('payment intents through the real SDK', () => {
    beforeEach(() => start());

    it('creates a PaymentIntent in Stripe’s shape and retrieves it', async () => {
      const created = await stripe.paymentIntents.create({
        amount: 24000,
        currency: 'EUR',
        metadata: { bookingId: 'bk_42', renter: 'Één' },
        description: 'Booking bk_42',
      });

      expect(created).toMatchObject({
        object: 'payment_intent',
        amount: 24000,
        currency: 'eur',
        status: 'requires_payment_method',
        metadata: { bookingId: 'bk_42', renter: 'Één' },
        description: 'Booking bk_42',
        livemode: false,
        automatic_payment_methods: { enabled: true },
        allowed_payment_method_types: null,
        payment_method_types: ['card'],
        latest_charge: null,
      });
      expect(created.id).toMatch(/^pi_[A-Za-z0-9]{24}$/);
      expect(created.client_secret).toMatch(new RegExp(`^${created.id}_secret_[A-Za-z0-9]{25}$`));
      expect(Math.abs(created.created - Date.now() / 1000)).toBeLessThan(5);
      expect(created.lastResponse.requestId).toMatch(/^req_/);

      const retrieved = await stripe.paymentIntents.retrieve(created.id);
      expect({ ...retrieved }).toEqual({ ...created });
      expect(fake.paymentIntents()).toHaveLength(1);
    });

    it('takes explicit allowed_payment_method_types as an indexed array', async () => {
      const created = await stripe.paymentIntents.create({
        amount: 5000,
        currency: 'eur',
        allowed_payment_method_types: ['card', 'ideal'],
      });
      expect(created.allowed_payment_method_types).toEqual(['card', 'ideal']);
      expect(created.payment_method_types).toEqual(['card', 'ideal']);
      expect(created.automatic_payment_methods).toBeNull();
    });

    it('lists payment intents newest first', async () => {
      const first = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      const second = await stripe.paymentIntents.create({ amount: 2000, currency: 'eur' });
      const page = await stripe.paymentIntents.list({ limit: 1 });
      expect(page.data.map((intent) => intent.id)).toEqual([second.id]);
      expect(page.has_more).toBe(true);
      const next = await stripe.paymentIntents.list({ limit: 1, starting_after: second.id });
      expect(next.data.map((intent) => intent.id)).toEqual([first.id]);
    });

    it('surfaces validation errors as StripeInvalidRequestError with the param', async () => {
      const error: unknown = await stripe.paymentIntents
        .create({ amount: 10, currency: 'eur' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({
        statusCode: 400,
        code: 'amount_too_small',
        param: 'amount',
        message: 'Amount must be at least €0.50 eur',
      });

      await expect(
        stripe.paymentIntents.create({
          amount: 1000,
          currency: 'eur',
          colour: 'red',
        } as Stripe.PaymentIntentCreateParams),
      ).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        param: 'colour',
        message: 'Received unknown parameter: colour',
      });

      await expect(
        stripe.paymentIntents.create({ amount: 1000, currency: 'eur', confirm: true }),
      ).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        param: 'confirm',
        message: expect.stringContaining('does not support `confirm`'),
      });

      await expect(
        stripe.paymentIntents.create({ currency: 'eur' } as Stripe.PaymentIntentCreateParams),
      ).rejects.toMatchObject({
        code: 'parameter_missing',
        param: 'amount',
      });
      expect(fake.paymentIntents()).toEqual([]);
    });

    it('answers 404 resource_missing for an unknown PaymentIntent', async () => {
      await expect(stripe.paymentIntents.retrieve('pi_doesnotexist')).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        statusCode: 404,
        code: 'resource_missing',
        param: 'intent',
        message: "No such payment_intent: 'pi_doesnotexist'",
      });
    });

    it('records requests, including the idempotency key the SDK adds to every POST by itself', async () => {
      const created = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      await stripe.paymentIntents.retrieve(created.id);

      expect(fake.requests).toEqual([
        expect.objectContaining({
          method: 'POST',
          path: '/v1/payment_intents',
          idempotencyKey: expect.stringMatching(/^stripe-node-retry-/),
          stripeVersion: Stripe.API_VERSION,
          status: 200,
        }),
        expect.objectContaining({
          method: 'GET',
          path: `/v1/payment_intents/${created.id}`,
          idempotencyKey: null,
          status: 200,
        }),
      ]);
    });

    it('cancels, sends payment_intent.canceled tied to the request, and refuses to cancel twice', async () => {
      const created = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      const canceled = await stripe.paymentIntents.cancel(
        created.id,
        { cancellation_reason: 'abandoned' },
        { idempotencyKey: 'cancel-bk_1' },
      );
      expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
      expect(canceled.canceled_at).toEqual(expect.any(Number));

      await fake.settled();
      const [event] = receiver.events();
      expect(event).toMatchObject({
        type: 'payment_intent.canceled',
        request: { id: canceled.lastResponse.requestId, idempotency_key: 'cancel-bk_1' },
        data: { object: { id: created.id, status: 'canceled' } },
      });

      await expect(stripe.paymentIntents.cancel(created.id)).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        code: 'payment_intent_unexpected_state',
      });
    });
  });

  describe('idempotency', () => {
    beforeEach(() => start());

    it('replays the first result for the same key and params without creating a second object', async () => {
      const params: Stripe.PaymentIntentCreateParams = {
        amount: 24000,
        currency: 'eur',
        metadata: { bookingId: 'bk_1' },
      };
      const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'booking-bk_1' });
      const second = await stripe.paymentIntents.create(
        { metadata: { bookingId: 'bk_1' }, currency: 'eur', amount: 24000 },
        { idempotencyKey: 'booking-bk_1' },
      );

      expect(second.id).toBe(first.id);
      expect(second.client_secret).toBe(first.client_secret);
      expect(fake.paymentIntents()).toHaveLength(1);
      expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
      expect(second.lastResponse.headers['original-request']).toBe(first.lastResponse.requestId);
      expect(
        fake.requests.map((request) => [request.idempotencyKey, request.idempotentReplayed ?? false]),
      ).toEqual([
        ['booking-bk_1', false],
        ['booking-bk_1', true],
      ]);
    });

    it('rejects the same key with different params as StripeIdempotencyError', async () => {
      await stripe.paymentIntents.create(
        { amount: 24000, currency: 'eur' },
        { idempotencyKey: 'booking-bk_2' },
      );

      const error: unknown = await stripe.paymentIntents
        .create({ amount: 25000, currency: 'eur' }, { idempotencyKey: 'booking-bk_2' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
      expect(error).toMatchObject({ statusCode: 400, message: expect.stringContaining('same parameters') });
      expect(fake.paymentIntents()).toHaveLength(1);
    });

    it('rejects a key reused on another endpoint', async () => {
      const created = await stripe.paymentIntents.create(
        { amount: 1000, currency: 'eur' },
        { idempotencyKey: 'k-1' },
      );
      await expect(
        stripe.paymentIntents.cancel(created.id, {}, { idempotencyKey: 'k-1' }),
      ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    });

    it('does not keep a key whose request failed validation, so a corrected retry goes through', async () => {
      await expect(
        stripe.paymentIntents.create({ amount: 10, currency: 'eur' }, { idempotencyKey: 'booking-bk_3' }),
      ).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      const created = await stripe.paymentIntents.create(
        { amount: 1000, currency: 'eur' },
        { idempotencyKey: 'booking-bk_3' },
      );
      expect(created.amount).toBe(1000);
    });

    it('replays an error about state, as Stripe stores results once the endpoint ran', async () => {
      const created = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      await fake.succeed(created.id);
      const attempt = (): Promise<unknown> =>
        stripe.paymentIntents
          .cancel(created.id, {}, { idempotencyKey: 'cancel-paid' })
          .catch((e: unknown) => e);

      const first = await attempt();
      const second = await attempt();
      expect(first).toMatchObject({ code: 'payment_intent_unexpected_state' });
      expect(second).toMatchObject({ code: 'payment_intent_unexpected_state' });
      expect(fake.requests.at(-1)?.idempotentReplayed).toBe(true);
    });
  });

  describe('authentication', () => {
    it('answers a wrong key with 401, which the SDK raises as StripeAuthenticationError', async () => {
      await start({ apiKeys: ['sk_test_the_right_one'] });
      const error: unknown = await sdk(fake, 'sk_test_a_wrong_one')
        .paymentIntents.create({ amount: 1000, currency: 'eur' })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      expect(error).toMatchObject({
        statusCode: 401,
        message: 'Invalid API Key provided: sk_test_*******_one',
      });
      expect(fake.paymentIntents()).toEqual([]);
      await expect(sdk(fake, 'sk_test_the_right_one').paymentIntents.list()).resolves.toMatchObject({
        object: 'list',
      });
    });

    it('refuses live keys and requests without a key', async () => {
      await start();
      await expect(sdk(fake, 'sk_live_abcdefgh').paymentIntents.list()).rejects.toBeInstanceOf(
        Stripe.errors.StripeAuthenticationError,
      );
      const response = await fetch(`${fake.url}/v1/payment_intents`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: {
          type: 'invalid_request_error',
          message: expect.stringContaining('You did not provide an API key'),
        },
      });
    });
  });

  describe('webhooks', () => {
    it('delivers payment_intent.succeeded signed so that constructEvent verifies it', async () => {
      await start();
      const created = await stripe.paymentIntents.create({
        amount: 24000,
        currency: 'eur',
        metadata: { bookingId: 'bk_7' },
      });

      const eventId = await fake.succeed(created.id);

      expect(receiver.received).toHaveLength(1);
      const [webhook] = receiver.received;
      expect(webhook.headers['content-type']).toBe('application/json; charset=utf-8');
      const verified = stripe.webhooks.constructEvent(
        webhook.rawBody,
        String(webhook.headers['stripe-signature']),
        webhookSecret,
      );
      expect(verified).toMatchObject({
        id: eventId,
        object: 'event',
        type: 'payment_intent.succeeded',
        api_version: Stripe.API_VERSION,
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        data: {
          object: {
            id: created.id,
            object: 'payment_intent',
            status: 'succeeded',
            amount_received: 24000,
            metadata: { bookingId: 'bk_7' },
          },
        },
      });
      expect(eventId).toMatch(/^evt_[A-Za-z0-9]{24}$/);
      expect(fake.deliveries).toEqual([
        expect.objectContaining({
          eventId,
          eventType: 'payment_intent.succeeded',
          attempt: 1,
          status: 200,
          ok: true,
        }),
      ]);
      await expect(stripe.paymentIntents.retrieve(created.id)).resolves.toMatchObject({
        status: 'succeeded',
        latest_charge: expect.stringMatching(/^ch_/),
      });
    });

    it('signs with the configured secret only: another secret fails verification', async () => {
      await start();
      const created = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      await fake.succeed(created.id);

      const [webhook] = receiver.received;
      expect(() =>
        stripe.webhooks.constructEvent(
          webhook.rawBody,
          String(webhook.headers['stripe-signature']),
          'whsec_some_other_secret',
        ),
      ).toThrow(Stripe.errors.StripeSignatureVerificationError);
      // Re-serialising the parsed body (a classic handler bug) breaks the signature too: Stripe's JSON is pretty-printed.
      const reserialised = JSON.stringify(JSON.parse(webhook.rawBody) as unknown);
      expect(() =>
        stripe.webhooks.constructEvent(
          reserialised,
          String(webhook.headers['stripe-signature']),
          webhookSecret,
        ),
      ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    });

    it('delivers payment_intent.payment_failed with the decline in last_payment_error', async () => {
      await start();
      const created = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      await fake.fail(created.id, {
        declineCode: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
      });

      const [event] = receiver.events();
      expect(event.type).toBe('payment_intent.payment_failed');
      expect(event.data.object).toMatchObject({
        status: 'requires_payment_method',
        last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' },
      });
      // A declined customer may try again and pay.
      await fake.succeed(created.id);
      expect(receiver.events().map((e) => e.type)).toEqual([
        'payment_intent.payment_failed',
        'payment_intent.succeeded',
      ]);
    });

    it('retries a delivery the endpoint did not accept, with a fresh signature each time', async () => {
      await start();
      receiver.answers = [500, 503];
      const created = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });

      const eventId = await fake.succeed(created.id);

      expect(fake.deliveries.map((delivery) => [delivery.attempt, delivery.status, delivery.ok])).toEqual([
        [1, 500, false],
        [2, 503, false],
        [3, 200, true],
      ]);
      expect(receiver.events().map((e) => e.id)).toEqual([eventId, eventId, eventId]);
    });

    it('records connection failures and gives up after the configured attempts', async () => {
      // Nothing listens on a port freePort just released.
      await start({
        webhookUrl: `http://127.0.0.1:${await freePort()}/unreachable`,
        webhookRetry: { attempts: 2, backoffMs: 5 },
      });
      const created = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });

      await fake.succeed(created.id);

      expect(fake.deliveries).toHaveLength(2);
      expect(fake.deliveries.every((delivery) => delivery.status === null && !delivery.ok)).toBe(true);
      expect(fake.deliveries[0].error).toMatch(/ECONNREFUSED/);
    });

    it('redelivers an event, so handlers can be tested against duplicates', async () => {
      await start();
      const created = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      const eventId = await fake.succeed(created.id);

      const redelivered = await fake.redeliver(eventId);
      const [first, second] = await Promise.all([fake.redeliver(eventId), fake.redeliver(eventId)]);

      expect(redelivered).toEqual([
        expect.objectContaining({ eventId, attempt: 2, redelivery: true, ok: true }),
      ]);
      expect([first[0].attempt, second[0].attempt].sort()).toEqual([3, 4]);
      expect(receiver.events().map((e) => e.id)).toEqual([eventId, eventId, eventId, eventId]);
      await expect(fake.redeliver('evt_unknown')).rejects.toThrow('Fake Stripe has no event evt_unknown');
    });

    it('sends an arbitrary event', async () => {
      await start();
      const eventId = await fake.sendEvent('customer.created', { id: 'cus_1', object: 'customer' });
      expect(fake.events()).toEqual([expect.objectContaining({ id: eventId, type: 'customer.created' })]);
      expect(receiver.events()).toEqual([
        expect.objectContaining({
          id: eventId,
          type: 'customer.created',
          data: { object: { id: 'cus_1', object: 'customer' } },
        }),
      ]);
    });

    it('succeeds new payment intents by itself with autoSucceed', async () => {
      await start({ autoSucceed: true, autoSucceedDelayMs: 50 });
      const created = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      expect(created.status).toBe('requires_payment_method');

      await waitUntil(() => receiver.received.length === 1, {
        timeoutMs: 2000,
        description: 'the auto-succeed webhook',
      });

      expect(receiver.events()[0]).toMatchObject({
        type: 'payment_intent.succeeded',
        data: { object: { id: created.id } },
      });
      await expect(stripe.paymentIntents.retrieve(created.id)).resolves.toMatchObject({
        status: 'succeeded',
      });
    });

    it('does not auto-succeed a PaymentIntent canceled in the meantime', async () => {
      await start({ autoSucceed: true, autoSucceedDelayMs: 50 });
      const created = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      await stripe.paymentIntents.cancel(created.id);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await fake.settled();
      expect(receiver.events().map((e) => e.type)).toEqual(['payment_intent.canceled']);
    });
  });

  describe('refunds', () => {
    beforeEach(() => start());

    it('refunds a paid PaymentIntent and sends charge.refunded and refund.created', async () => {
      const created = await stripe.paymentIntents.create({ amount: 24000, currency: 'eur' });
      await fake.succeed(created.id);

      const partial = await stripe.refunds.create({
        payment_intent: created.id,
        amount: 4000,
        metadata: { reason: 'late' },
      });
      const rest = await stripe.refunds.create({
        payment_intent: created.id,
        reason: 'requested_by_customer',
      });
      await fake.settled();

      expect(partial).toMatchObject({
        object: 'refund',
        amount: 4000,
        currency: 'eur',
        status: 'succeeded',
        payment_intent: created.id,
        metadata: { reason: 'late' },
      });
      expect(partial.id).toMatch(/^re_/);
      expect(rest).toMatchObject({ amount: 20000, reason: 'requested_by_customer' });
      await expect(stripe.refunds.retrieve(partial.id)).resolves.toMatchObject({
        id: partial.id,
        amount: 4000,
      });

      const refundEvents = receiver.events().filter((event) => event.type !== 'payment_intent.succeeded');
      expect(refundEvents.map((event) => event.type).sort()).toEqual([
        'charge.refunded',
        'charge.refunded',
        'refund.created',
        'refund.created',
      ]);
      const fullyRefunded = refundEvents.find(
        (event) => event.type === 'charge.refunded' && (event.data.object as Stripe.Charge).refunded,
      );
      expect(fullyRefunded?.data.object).toMatchObject({
        amount_refunded: 24000,
        payment_intent: created.id,
      });

      await expect(stripe.refunds.create({ payment_intent: created.id })).rejects.toMatchObject({
        type: 'StripeInvalidRequestError',
        code: 'charge_already_refunded',
      });
    });

    it('refuses to refund more than was paid, or a payment that did not happen', async () => {
      const unpaid = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      await expect(stripe.refunds.create({ payment_intent: unpaid.id })).rejects.toMatchObject({
        code: 'charge_not_refundable',
        message: `This PaymentIntent (${unpaid.id}) does not have a successful charge to refund.`,
      });

      await fake.succeed(unpaid.id);
      await expect(stripe.refunds.create({ payment_intent: unpaid.id, amount: 1001 })).rejects.toMatchObject({
        code: 'amount_too_large',
        param: 'amount',
        message: 'Refund amount (€10.01) is greater than unrefunded amount on charge (€10.00)',
      });
      expect(fake.refunds()).toEqual([]);
    });
  });

  describe('dashboard and controls', () => {
    beforeEach(() => start());

    it('lists payment intents with escaped metadata and Pay / Decline buttons', async () => {
      const created = await stripe.paymentIntents.create({
        amount: 24000,
        currency: 'eur',
        metadata: { note: '<script>alert(1)</script>' },
      });

      const response = await fetch(fake.url);
      const html = await response.text();

      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(html).toContain(created.id);
      expect(html).toContain('€240.00 EUR');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).not.toContain('<script>');
      expect(html).toContain(`action="/_fake/payment_intents/${created.id}/succeed"`);
      expect(html).toContain(`action="/_fake/payment_intents/${created.id}/fail"`);
    });

    it('pays from a browser form and sends the browser on to return_url as Stripe.js would', async () => {
      const created = await stripe.paymentIntents.create({ amount: 24000, currency: 'eur' });

      const response = await fetch(`${fake.url}/_fake/payment_intents/${created.id}/succeed`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ return_url: 'http://127.0.0.1:3000/bookings/bk_1?step=paid' }).toString(),
        redirect: 'manual',
      });

      expect(response.status).toBe(303);
      const location = new URL(String(response.headers.get('location')));
      expect(location.origin + location.pathname).toBe('http://127.0.0.1:3000/bookings/bk_1');
      expect(Object.fromEntries(location.searchParams)).toEqual({
        step: 'paid',
        payment_intent: created.id,
        payment_intent_client_secret: created.client_secret,
        redirect_status: 'succeeded',
      });
      // The webhook was delivered before the browser was sent back to the app.
      expect(receiver.events().map((event) => event.type)).toEqual(['payment_intent.succeeded']);
    });

    it('declines over the JSON control endpoint and refuses to decline a paid intent', async () => {
      const created = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
      const declined = await fetch(`${fake.url}/_fake/payment_intents/${created.id}/fail`, {
        method: 'POST',
      });
      expect(declined.status).toBe(200);
      expect(await declined.json()).toMatchObject({
        payment_intent: { id: created.id, status: 'requires_payment_method' },
        event: { type: 'payment_intent.payment_failed' },
      });

      await fake.succeed(created.id);
      const again = await fetch(`${fake.url}/_fake/payment_intents/${created.id}/fail`, { method: 'POST' });
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ error: { code: 'payment_intent_unexpected_state' } });
    });

    it('reset forgets everything', async () => {
      const created = await stripe.paymentIntents.create(
        { amount: 1000, currency: 'eur' },
        { idempotencyKey: 'k' },
      );
      await fake.succeed(created.id);
      fake.reset();
      expect([fake.paymentIntents(), fake.requests, fake.deliveries, fake.events()]).toEqual([
        [],
        [],
        [],
        [],
      ]);
      const again = await stripe.paymentIntents.create(
        { amount: 2000, currency: 'eur' },
        { idempotencyKey: 'k' },
      );
      expect(again.id).not.toBe(created.id);
    });
  });
});
