// Issue 9 §5: event → SMTP accepted for `booking.confirmed`. Guests book and pay through the gateway;
// the fake Stripe then succeeds each PaymentIntent at a steady pace (its signed webhook goes through
// the gateway to payments → payment.succeeded → rentals → booking.confirmed → notifications → the
// email queue → SMTP). For each confirmation email, the latency is the time from the event's
// `occurredAt` (as the ledger stored it) to the moment the mail catcher accepted the message.
import pg from 'pg';
import { distribution, json, poll } from './measure.mjs';

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * @returns the distribution of event → SMTP accepted in ms over `iterations` confirmations, and how
 * many emails each booking got (exactly one is the only right answer).
 */
export async function bookingConfirmedToSmtp({
  gateway,
  propertyId,
  guestToken,
  guestEmail,
  stripe,
  mail,
  databaseUrl,
  iterations,
  perSecond,
}) {
  const base = Date.now() + 400 * 86_400_000;
  const intents = [];
  for (let i = 0; i < iterations; i += 1) {
    const booking = await json(
      `${gateway}/v1/bookings`,
      'POST',
      {
        propertyId,
        checkIn: isoDay(base + i * 2 * 86_400_000),
        checkOut: isoDay(base + (i * 2 + 1) * 86_400_000),
        guests: 1,
      },
      guestToken,
    );
    const payment = await json(
      `${gateway}/v1/bookings/${booking.id}/payments`,
      'POST',
      { provider: 'stripe' },
      guestToken,
    );
    intents.push(payment.providerPaymentId);
  }
  const before = new Set(mail.messages().map((m) => m.id));
  const isConfirmation = (m) =>
    !before.has(m.id) && m.to.includes(guestEmail) && /is confirmed$/.test(m.subject);
  // A steady arrival rate, not a burst: the figure is one guest's wait, not a backlog's.
  for (const intent of intents) {
    await stripe.succeed(intent);
    await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
  }
  await poll(
    `${iterations} confirmation emails`,
    () => mail.messages().filter(isConfirmation).length >= iterations,
    120_000,
  );
  // Let any duplicate show up before counting.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const emails = mail.messages().filter(isConfirmation);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ids = emails.map((m) => m.headers['x-rentguy-delivery']);
    const { rows } = await client.query(
      `SELECT id, occurred_at FROM notifications.deliveries WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const occurred = new Map(rows.map((row) => [row.id, row.occurred_at.getTime()]));
    const samples = emails.map((m) => m.receivedAt.getTime() - occurred.get(m.headers['x-rentguy-delivery']));
    return {
      iterations,
      perSecond,
      emails: emails.length,
      latency: distribution('booking.confirmed → SMTP accepted', samples),
    };
  } finally {
    await client.end();
  }
}
