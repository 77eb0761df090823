import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { EventData, EventType } from '@rentguy/contracts';
import {
  PaymentReconciliationService,
  RefundService,
  STRIPE_WEBHOOK_PATH,
  WebhookInboxService,
} from '@rentguy/payments/feature';
import { isForwardTransition, type PaymentStatus } from '@rentguy/payments/domain';
import { waitUntil } from '@rentguy/testing/platform';
import { startFakeStripe, type FakeStripe } from '@rentguy/testing/stripe-fake';
import {
  cancelledBooking,
  holdTestBooking,
  startPaymentsTestApp,
  type PaymentsTestApp,
} from '../test/payments-test.kit';

// Money invariants under random interleavings (issue 6 §3): webhook deliveries (the provider's own,
// duplicated, reordered, concurrent), cancellations and reconciliation rounds, against the payments
// app with real PostgreSQL and Kafka and Stripe faked at its HTTP API. After every run:
// refunded ≤ captured; at most one payment of the booking keeps its money; every refund owed was
// requested exactly once; statuses only moved forward.
const WEBHOOK_SECRET = 'whsec_payments_property_int';
const TOTAL = 30_000;

const REFUND_RANK: Record<string, number> = { requested: 0, succeeded: 1, failed: 1 };

type Command =
  | { kind: 'succeed' }
  | { kind: 'fail' }
  | { kind: 'redeliver'; pick: number }
  | { kind: 'cancel'; by: 'guest' | 'host'; share: number }
  | { kind: 'reconcile' }
  | { kind: 'goodwill'; amount: number }
  | { kind: 'retry-payment' };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.constant<Command>({ kind: 'succeed' }),
  fc.constant<Command>({ kind: 'fail' }),
  fc.record({ kind: fc.constant('redeliver' as const), pick: fc.nat(20) }),
  fc.record({
    kind: fc.constant('cancel' as const),
    by: fc.constantFrom('guest' as const, 'host' as const),
    share: fc.integer({ min: 0, max: 10 }),
  }),
  fc.constant<Command>({ kind: 'reconcile' }),
  fc.record({ kind: fc.constant('goodwill' as const), amount: fc.integer({ min: 1, max: TOTAL }) }),
  fc.constant<Command>({ kind: 'retry-payment' }),
);

/** Batches of commands; the commands of one batch run concurrently. */
const scenario = fc.array(fc.array(command, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 });

let stripe: FakeStripe;
let t: PaymentsTestApp;

async function publish<T extends EventType>(type: T, aggregateId: string, data: EventData<T>): Promise<void> {
  await t.consumed(await t.publish(type, aggregateId, data));
}

interface Snapshot {
  payments: Map<string, string>;
  refunds: Map<string, string>;
}

async function snapshot(bookingId: string): Promise<Snapshot> {
  const payments = await t.db.query<{ id: string; status: string }>(
    `SELECT id, status FROM "${t.schema}".payments WHERE booking_id = $1`,
    [bookingId],
  );
  const refunds = await t.db.query<{ id: string; status: string }>(
    `SELECT id, status FROM "${t.schema}".refunds WHERE booking_id = $1`,
    [bookingId],
  );
  return {
    payments: new Map(payments.rows.map((r) => [r.id, r.status])),
    refunds: new Map(refunds.rows.map((r) => [r.id, r.status])),
  };
}

function assertForward(before: Snapshot, after: Snapshot): void {
  for (const [id, status] of before.payments) {
    const now = after.payments.get(id) ?? 'missing';
    const forward = now === status || isForwardTransition(status as PaymentStatus, now as PaymentStatus);
    expect({ payment: id, from: status, to: now, forward }).toMatchObject({ forward: true });
  }
  for (const [id, status] of before.refunds) {
    const now = after.refunds.get(id) ?? 'missing';
    const forward = (REFUND_RANK[now] ?? -1) > (REFUND_RANK[status] ?? 99) || now === status;
    expect({ refund: id, from: status, to: now, forward }).toMatchObject({ forward: true });
  }
}

async function quiesce(): Promise<void> {
  await stripe.settled();
  await t.app.get(WebhookInboxService).whenIdle();
  await t.app.get(RefundService).whenIdle();
  // Webhook rows whose in-process run lost a race are picked up by the sweep (every 200 ms here).
  await waitUntil(
    async () =>
      (
        await t.db.query(
          `SELECT 1 FROM "${t.schema}".webhook_events WHERE processed_at IS NULL AND attempts < 20`,
        )
      ).rowCount === 0,
    { timeoutMs: 30_000, description: 'the webhook inbox to drain' },
  );
  await t.app.get(RefundService).whenIdle();
}

async function run(batches: Command[][]): Promise<void> {
  const guestId = randomUUID();
  const admin = randomUUID();
  const held = await holdTestBooking(t, guestId, TOTAL);
  const intents: string[] = [];
  const started = await t.post(`/v1/bookings/${held.bookingId}/payments`, guestId, {
    provider: 'stripe',
  });
  expect(started.status).toBe(201);
  intents.push(String(started.body['providerPaymentId']));
  const cancels: { refundAmount: number; paidBefore: boolean }[] = [];
  let cancelled = false;

  const paidPayments = async () =>
    (
      await t.db.query<{ id: string }>(
        `SELECT id FROM "${t.schema}".payments WHERE booking_id = $1 AND status IN ('succeeded', 'partially_refunded', 'refunded')`,
        [held.bookingId],
      )
    ).rows;

  const execute = async (c: Command): Promise<void> => {
    const intent = intents[intents.length - 1] as string;
    switch (c.kind) {
      case 'succeed':
        // Refused by the fake when the intent is no longer payable (canceled): that is fine.
        await stripe.succeed(intent).catch(() => undefined);
        return;
      case 'fail':
        await stripe.fail(intent).catch(() => undefined);
        return;
      case 'redeliver': {
        const events = stripe.events();
        const event = events[c.pick % Math.max(events.length, 1)];
        if (event) {
          await stripe.redeliver(event.id).catch(() => undefined);
        }
        return;
      }
      case 'cancel': {
        const refundAmount = Math.floor((TOTAL * c.share) / 10);
        const paidBefore = (await paidPayments()).length > 0;
        const quoted = c.by === 'host' ? TOTAL : refundAmount;
        await publish(
          'booking.cancelled',
          held.bookingId,
          cancelledBooking(held, c.by, quoted, paidBefore ? 'confirmed' : 'held'),
        );
        cancels.push({ refundAmount: quoted, paidBefore });
        cancelled = true;
        return;
      }
      case 'reconcile':
        await t.app.get(PaymentReconciliationService).round();
        return;
      case 'goodwill': {
        const [paid] = await paidPayments();
        if (paid) {
          const answer = await t.post(
            `/v1/admin/payments/${paid.id}/refunds`,
            admin,
            { amount: c.amount, reason: 'goodwill in a property test' },
            'admin',
          );
          expect([201, 409]).toContain(answer.status);
        }
        return;
      }
      case 'retry-payment': {
        if (cancelled) {
          return;
        }
        const retry = await t.post(`/v1/bookings/${held.bookingId}/payments`, guestId, {
          provider: 'stripe',
        });
        if (retry.status === 201) {
          intents.push(String(retry.body['providerPaymentId']));
        }
        return;
      }
    }
  };

  let before = await snapshot(held.bookingId);
  for (const batch of batches) {
    await Promise.all(batch.map(execute));
    await quiesce();
    const after = await snapshot(held.bookingId);
    assertForward(before, after);
    before = after;
  }
  await t.app.get(PaymentReconciliationService).round();
  await quiesce();
  assertForward(before, await snapshot(held.bookingId));

  // refunded ≤ captured, and the running totals are what the refund rows say.
  const payments = await t.db.query<{
    id: string;
    amount: number;
    status: string;
    refund_committed: number;
    refunded_amount: number;
    requested: number;
    succeeded: number;
  }>(
    `SELECT p.id, p.amount, p.status, p.refund_committed, p.refunded_amount,
            coalesce(sum(r.amount) FILTER (WHERE r.status IN ('requested', 'succeeded')), 0)::int AS requested,
            coalesce(sum(r.amount) FILTER (WHERE r.status = 'succeeded'), 0)::int AS succeeded
       FROM "${t.schema}".payments p LEFT JOIN "${t.schema}".refunds r ON r.payment_id = p.id
      WHERE p.booking_id = $1 GROUP BY p.id`,
    [held.bookingId],
  );
  for (const p of payments.rows) {
    expect(p.refunded_amount).toBeLessThanOrEqual(p.amount);
    expect(p.refund_committed).toBeLessThanOrEqual(p.amount);
    expect({ committed: p.refund_committed, refunded: p.refunded_amount }).toEqual({
      committed: p.requested,
      refunded: p.succeeded,
    });
  }
  // At most one payment of the booking keeps its money: a second success is refunded as a duplicate.
  const keeping = await t.db.query<{ id: string }>(
    `SELECT p.id FROM "${t.schema}".payments p
      WHERE p.booking_id = $1 AND p.status IN ('succeeded', 'partially_refunded', 'refunded')
        AND NOT EXISTS (SELECT 1 FROM "${t.schema}".refunds r WHERE r.payment_id = p.id AND r.reason = 'duplicate_payment')`,
    [held.bookingId],
  );
  expect(keeping.rows.length).toBeLessThanOrEqual(1);
  const paidCount = (await paidPayments()).length;
  const duplicates = await t.db.query(
    `SELECT owed_key FROM "${t.schema}".refunds WHERE booking_id = $1 AND reason = 'duplicate_payment'`,
    [held.bookingId],
  );
  expect(duplicates.rowCount).toBe(Math.max(0, paidCount - 1));
  // Every refund owed was requested exactly once: one per cancellation debt, and at Stripe exactly
  // one refund per refund row that reached it (idempotency key = our refund id).
  const cancelRefunds = await t.db.query<{ owed_key: string }>(
    `SELECT owed_key FROM "${t.schema}".refunds WHERE booking_id = $1 AND owed_key LIKE 'cancel:%'`,
    [held.bookingId],
  );
  const owedOnCancel = cancels.find((c) => c.paidBefore && c.refundAmount > 0);
  const firstCancel = cancels[0];
  if (owedOnCancel && firstCancel === owedOnCancel) {
    expect(cancelRefunds.rowCount).toBe(1);
  }
  expect(cancelRefunds.rowCount).toBeLessThanOrEqual(1);
  const ours = await t.db.query<{ id: string; provider_refund_id: string | null }>(
    `SELECT id, provider_refund_id FROM "${t.schema}".refunds WHERE booking_id = $1`,
    [held.bookingId],
  );
  for (const refund of ours.rows) {
    const atProvider = stripe.refunds().filter((r) => r.metadata?.['refundId'] === refund.id);
    expect(atProvider.length).toBeLessThanOrEqual(1);
    if (refund.provider_refund_id !== null) {
      expect(atProvider.map((r) => r.id)).toEqual([refund.provider_refund_id]);
    }
  }
}

beforeAll(async () => {
  stripe = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
  t = await startPaymentsTestApp({
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_BASE_URL: stripe.url,
    WEBHOOK_SWEEP_INTERVAL_MS: '200',
  });
  stripe.setWebhookUrl(`${t.baseUrl}${STRIPE_WEBHOOK_PATH}`);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await stripe?.close();
}, 60_000);

describe('money invariants under random interleavings (fast-check)', () => {
  it('keeps refunded ≤ captured, one paid payment, each owed refund once, and statuses forward', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (batches) => run(batches)),
      { numRuns: 12, endOnFailure: true },
    );
  }, 240_000);
});
