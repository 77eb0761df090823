import { randomUUID } from 'node:crypto';
import type { EventData } from '@rentguy/contracts';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import {
  MOLLIE_WEBHOOK_PATH,
  RefundService,
  STRIPE_WEBHOOK_PATH,
  WebhookInboxService,
} from '@rentguy/payments/feature';
import { startFakeMollie, type FakeMollie } from '@rentguy/testing/mollie-fake';
import { waitUntil } from '@rentguy/testing/platform';
import { queueTesting } from '@rentguy/testing/queue';
import { startFakeStripe, type FakeStripe } from '@rentguy/testing/stripe-fake';
import {
  cancelledBooking,
  holdTestBooking,
  startPaymentsTestApp,
  type PaymentsTestApp,
} from '../test/payments-test.kit';

// Refunds (issue 6 §2–§3): the payments app as it boots, real PostgreSQL and Kafka, both providers
// faked at their HTTP APIs and driven through their official SDKs. Rentals' events (booking.held,
// booking.cancelled with its quote, booking.payment-rejected) are produced onto Kafka as rentals
// writes them.
const WEBHOOK_SECRET = 'whsec_payments_refunds_int';

type Provider = 'stripe' | 'mollie';

let stripe: FakeStripe;
let mollie: FakeMollie;
let t: PaymentsTestApp;

interface PaidBooking {
  guestId: string;
  held: EventData<'booking.held'>;
  paymentId: string;
  providerPaymentId: string;
}

async function startPayment(provider: Provider, totalAmount = 36_000): Promise<PaidBooking> {
  const guestId = randomUUID();
  const held = await holdTestBooking(t, guestId, totalAmount);
  const answer = await t.post(
    `/v1/bookings/${held.bookingId}/payments`,
    guestId,
    provider === 'mollie' ? { provider, method: 'ideal' } : { provider },
  );
  expect(answer.status).toBe(201);
  return {
    guestId,
    held,
    paymentId: String(answer.body.id),
    providerPaymentId: String(answer.body.providerPaymentId),
  };
}

async function paidBooking(provider: Provider, totalAmount = 36_000): Promise<PaidBooking> {
  const booking = await startPayment(provider, totalAmount);
  if (provider === 'stripe') {
    await stripe.succeed(booking.providerPaymentId);
  } else {
    await mollie.complete(booking.providerPaymentId, 'paid');
  }
  await waitUntil(async () => (await payment(booking.paymentId)).status === 'succeeded', {
    timeoutMs: 30_000,
    description: `payment ${booking.paymentId} succeeded`,
  });
  return booking;
}

function cancelled(
  booking: PaidBooking,
  cancelledBy: 'guest' | 'host' | 'admin',
  refundAmount: number,
): EventData<'booking.cancelled'> {
  return cancelledBooking(booking.held, cancelledBy, refundAmount);
}

interface PaymentRow {
  status: string;
  refund_committed: number;
  refunded_amount: number;
}

async function payment(id: string): Promise<PaymentRow> {
  const { rows } = await t.db.query<PaymentRow>(
    `SELECT status, refund_committed, refunded_amount FROM "${t.schema}".payments WHERE id = $1`,
    [id],
  );
  return rows[0] ?? { status: 'missing', refund_committed: 0, refunded_amount: 0 };
}

interface RefundRow {
  id: string;
  status: string;
  amount: number;
  reason: string;
  provider_refund_id: string | null;
}

async function refundsOf(paymentId: string): Promise<RefundRow[]> {
  const { rows } = await t.db.query<RefundRow>(
    `SELECT id, status, amount, reason, provider_refund_id FROM "${t.schema}".refunds WHERE payment_id = $1 ORDER BY created_at`,
    [paymentId],
  );
  return rows;
}

async function refundEvents(paymentId: string): Promise<{ type: string; amount: number; reason: string }[]> {
  const { rows } = await t.db.query<{ type: string; amount: number; reason: string }>(
    `SELECT type, (payload->'data'->>'amount')::int AS amount, payload->'data'->>'reason' AS reason
       FROM "${t.schema}".outbox WHERE type LIKE 'refund.%' AND payload->'data'->>'paymentId' = $1 ORDER BY id`,
    [paymentId],
  );
  return rows;
}

async function idle(): Promise<void> {
  await t.app.get(RefundService).whenIdle();
  await t.app.get(WebhookInboxService).whenIdle();
}

async function waitForRefunds(paymentId: string, count: number, status?: string): Promise<RefundRow[]> {
  await waitUntil(
    async () => {
      const refunds = await refundsOf(paymentId);
      return refunds.length >= count && (status === undefined || refunds.every((r) => r.status === status));
    },
    { timeoutMs: 30_000, description: `${count} refund(s) of ${paymentId}${status ? ` ${status}` : ''}` },
  );
  await idle();
  return refundsOf(paymentId);
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const values = await t.app.get(MetricsRegistry).registry.getSingleMetric(name)?.get();
  const value = values?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

async function reconcileNow(): Promise<void> {
  await queueTesting.runScheduledJobNow(t.app, 'payments-reconciliation', 30_000);
  await idle();
}

beforeAll(async () => {
  stripe = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
  mollie = await startFakeMollie();
  t = await startPaymentsTestApp({
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE_URL: stripe.url,
    MOLLIE_API_KEY: 'test_paymentsRefundsIntegration0123',
    MOLLIE_API_BASE_URL: mollie.apiUrl,
  });
  stripe.setWebhookUrl(`${t.baseUrl}${STRIPE_WEBHOOK_PATH}`);
  mollie.setWebhookUrl(`${t.baseUrl}${MOLLIE_WEBHOOK_PATH}`);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await stripe?.close();
  await mollie?.close();
}, 60_000);

describe('refunds on cancellation', () => {
  it('refunds a host cancellation in full through Stripe, with our refund id as idempotency key', async () => {
    const booking = await paidBooking('stripe');
    await t.publish('booking.cancelled', booking.held.bookingId, cancelled(booking, 'host', 36_000));
    const [refund] = await waitForRefunds(booking.paymentId, 1, 'succeeded');
    expect(refund).toMatchObject({
      amount: 36_000,
      reason: 'host_cancelled',
      provider_refund_id: expect.stringMatching(/^re_/),
    });
    const atStripe = stripe.refunds().find((r) => r.id === refund?.provider_refund_id);
    expect(atStripe).toMatchObject({ amount: 36_000, metadata: { refundId: refund?.id } });
    expect(
      stripe.requests.filter((r) => r.path === '/v1/refunds' && r.idempotencyKey === refund?.id),
    ).toHaveLength(1);
    expect(await payment(booking.paymentId)).toEqual({
      status: 'refunded',
      refund_committed: 36_000,
      refunded_amount: 36_000,
    });
    // Stripe's refund.created and charge.refunded webhooks arrive too: nothing happens twice.
    await stripe.settled();
    await idle();
    expect(await refundEvents(booking.paymentId)).toEqual([
      { type: 'refund.succeeded', amount: 36_000, reason: 'host_cancelled' },
    ]);
  });

  it('refunds a guest cancellation under the quote through Mollie: requested, then succeeded on the ping', async () => {
    const booking = await paidBooking('mollie');
    await t.publish('booking.cancelled', booking.held.bookingId, cancelled(booking, 'guest', 18_000));
    const [requested] = await waitForRefunds(booking.paymentId, 1, 'requested');
    await waitUntil(
      async () => ((await refundsOf(booking.paymentId))[0]?.provider_refund_id ?? null) !== null,
      {
        timeoutMs: 30_000,
        description: 'refund submitted to Mollie',
      },
    );
    const atMollie = mollie.refunds().find((r) => r.paymentId === booking.providerPaymentId);
    expect(atMollie).toMatchObject({
      amount: { currency: 'EUR', value: '180.00' },
      metadata: { refundId: requested?.id },
    });
    expect(await payment(booking.paymentId)).toMatchObject({ status: 'succeeded', refund_committed: 18_000 });
    await mollie.settleRefund(String(atMollie?.id), 'refunded');
    await waitForRefunds(booking.paymentId, 1, 'succeeded');
    expect(await payment(booking.paymentId)).toEqual({
      status: 'partially_refunded',
      refund_committed: 18_000,
      refunded_amount: 18_000,
    });
    expect(await refundEvents(booking.paymentId)).toEqual([
      { type: 'refund.succeeded', amount: 18_000, reason: 'guest_cancelled' },
    ]);
  });

  it('requests one refund however often booking.cancelled is delivered', async () => {
    const booking = await paidBooking('stripe');
    const event = cancelled(booking, 'guest', 10_000);
    // A redelivery of the same event, and a second event for the same cancellation.
    const id = randomUUID();
    await t.publish('booking.cancelled', booking.held.bookingId, event, id);
    await t.publish('booking.cancelled', booking.held.bookingId, event, id);
    await t.publish('booking.cancelled', booking.held.bookingId, event);
    await waitForRefunds(booking.paymentId, 1, 'succeeded');
    await waitUntil(
      async () =>
        (
          await t.db.query(
            `SELECT 1 FROM "${t.schema}".inbox WHERE consumer = 'payments' AND event_id = $1`,
            [id],
          )
        ).rowCount === 1,
      { timeoutMs: 30_000, description: 'the events consumed' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await idle();
    expect(await refundsOf(booking.paymentId)).toHaveLength(1);
    expect(stripe.refunds().filter((r) => r.payment_intent === booking.providerPaymentId)).toHaveLength(1);
  });

  it('withdraws the payment in flight at Stripe when an unpaid hold is cancelled', async () => {
    const booking = await startPayment('stripe');
    await t.publish('booking.cancelled', booking.held.bookingId, {
      ...cancelled(booking, 'guest', 0),
      previousStatus: 'held',
    });
    await waitUntil(async () => (await payment(booking.paymentId)).status === 'canceled', {
      timeoutMs: 30_000,
      description: 'the payment canceled',
    });
    expect(stripe.paymentIntents().find((pi) => pi.id === booking.providerPaymentId)?.status).toBe(
      'canceled',
    );
    expect(await refundsOf(booking.paymentId)).toEqual([]);
  });

  it('refunds a payment rentals rejected (dates taken) in full, with reason dates_unavailable', async () => {
    const booking = await paidBooking('mollie', 24_000);
    await t.publish('booking.payment-rejected', booking.held.bookingId, {
      bookingId: booking.held.bookingId,
      paymentId: booking.paymentId,
      amount: 24_000,
      currency: 'EUR',
      reason: 'dates_unavailable',
    });
    const [refund] = await waitForRefunds(booking.paymentId, 1);
    expect(refund).toMatchObject({ amount: 24_000, reason: 'dates_unavailable' });
  });
});

describe('goodwill refunds and the refunded ≤ captured invariant', () => {
  it('lets an admin refund part of a payment, refuses more than is left with 409, and validates the body', async () => {
    const booking = await paidBooking('stripe', 10_000);
    const admin = randomUUID();
    const path = `/v1/admin/payments/${booking.paymentId}/refunds`;
    const first = await t.post(path, admin, { amount: 4_000, reason: 'noisy neighbours' }, 'admin');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      paymentId: booking.paymentId,
      amount: 4_000,
      reason: 'goodwill',
      status: 'requested',
    });
    const tooMuch = await t.post(path, admin, { amount: 6_001, reason: 'more' }, 'admin');
    expect(tooMuch.status).toBe(409);
    const unknownField = await t.post(path, admin, { amount: 1, reason: 'x', extra: true }, 'admin');
    expect(unknownField.status).toBe(400);
    // The validation pipe names an unknown key in the message of the body's issue.
    expect(JSON.stringify(unknownField.body.error?.details?.fields)).toContain('extra');
    const guest = await t.post(path, booking.guestId, { amount: 1, reason: 'me' });
    expect(guest.status).toBe(403);
    await waitForRefunds(booking.paymentId, 1, 'succeeded');
    const { rows } = await t.db.query<{ requested_by: string; note: string }>(
      `SELECT requested_by, note FROM "${t.schema}".refunds WHERE payment_id = $1`,
      [booking.paymentId],
    );
    expect(rows).toEqual([{ requested_by: admin, note: 'noisy neighbours' }]);
    expect(await payment(booking.paymentId)).toMatchObject({
      status: 'partially_refunded',
      refunded_amount: 4_000,
    });
  });

  it("reports an admin's goodwill refund to the audit log through the outbox, without the note", async () => {
    const booking = await paidBooking('stripe', 10_000);
    const admin = randomUUID();
    const requestId = `req-${randomUUID()}`;
    const response = await fetch(`${t.baseUrl}/v1/admin/payments/${booking.paymentId}/refunds`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await t.tokenFor(admin, 'admin')}`,
        'content-type': 'application/json',
        'x-forwarded-for': '198.51.100.4',
        'x-request-id': requestId,
      },
      body: JSON.stringify({ amount: 2_500, reason: 'broken heating, jane@example.com' }),
    });
    expect(response.status).toBe(201);
    const refund = (await response.json()) as { id: string };
    const { rows } = await t.db.query<{ key: string; data: Record<string, unknown> }>(
      `SELECT key, payload->'data' AS data FROM "${t.schema}".outbox WHERE type = 'audit.recorded' AND key = $1`,
      [refund.id],
    );
    expect(rows).toEqual([
      {
        key: refund.id,
        data: {
          source: 'payments',
          actor: { id: admin, role: 'admin' },
          action: 'refund.issued_by_admin',
          target: { type: 'refund', id: refund.id },
          ip: '198.51.100.4',
          requestId,
          occurredAt: expect.any(String),
          details: {
            paymentId: booking.paymentId,
            bookingId: booking.held.bookingId,
            amount: 2_500,
            currency: 'EUR',
            reason: 'goodwill',
          },
        },
      },
    ]);
    // A refused refund (more than is left) reports nothing.
    const tooMuch = await t.post(
      `/v1/admin/payments/${booking.paymentId}/refunds`,
      admin,
      { amount: 9_000, reason: 'more' },
      'admin',
    );
    expect(tooMuch.status).toBe(409);
    const { rows: all } = await t.db.query(
      `SELECT 1 FROM "${t.schema}".outbox WHERE type = 'audit.recorded' AND payload->'data'->'details'->>'paymentId' = $1`,
      [booking.paymentId],
    );
    expect(all).toHaveLength(1);
    await waitForRefunds(booking.paymentId, 1, 'succeeded');
  });

  it('never commits refunds above what was captured, however many requests race', async () => {
    const booking = await paidBooking('mollie', 10_000);
    const admin = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.post(
          `/v1/admin/payments/${booking.paymentId}/refunds`,
          admin,
          { amount: 3_000, reason: 'race' },
          'admin',
        ),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const row = await payment(booking.paymentId);
    expect(row.refund_committed).toBe(9_000);
    // The constraint itself refuses a total above the amount, whatever the application does.
    await expect(
      t.db.query(`UPDATE "${t.schema}".payments SET refund_committed = 10001 WHERE id = $1`, [
        booking.paymentId,
      ]),
    ).rejects.toThrow(/payments_refunds_within_amount/);
  });
});

describe('reconciliation of refunds', () => {
  it('learns a Mollie refund that settled without a ping, and counts the repair', async () => {
    const booking = await paidBooking('mollie');
    await t.publish('booking.cancelled', booking.held.bookingId, cancelled(booking, 'host', 36_000));
    await waitForRefunds(booking.paymentId, 1, 'requested');
    await waitUntil(
      async () => ((await refundsOf(booking.paymentId))[0]?.provider_refund_id ?? null) !== null,
      {
        timeoutMs: 30_000,
        description: 'refund submitted to Mollie',
      },
    );
    const before = await metric('payments_reconciliation_repairs_total', {
      provider: 'mollie',
      kind: 'refund_status',
    });
    // The ping is lost: Mollie's webhook points nowhere while the refund settles.
    mollie.setWebhookUrl('http://127.0.0.1:9/nowhere');
    try {
      const refund = mollie.refunds().find((r) => r.paymentId === booking.providerPaymentId);
      await mollie.settleRefund(String(refund?.id), 'refunded').catch(() => undefined);
    } finally {
      mollie.setWebhookUrl(`${t.baseUrl}${MOLLIE_WEBHOOK_PATH}`);
    }
    expect((await refundsOf(booking.paymentId))[0]?.status).toBe('requested');
    await reconcileNow();
    expect((await refundsOf(booking.paymentId))[0]?.status).toBe('succeeded');
    expect(await payment(booking.paymentId)).toMatchObject({ status: 'refunded', refunded_amount: 36_000 });
    expect(
      await metric('payments_reconciliation_repairs_total', { provider: 'mollie', kind: 'refund_status' }),
    ).toBe(before + 1);
    // Another round finds nothing to repair.
    await reconcileNow();
    expect(await refundEvents(booking.paymentId)).toHaveLength(1);
  });
});
