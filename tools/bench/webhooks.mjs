// P3: webhook ingest through the gateway, as the providers deliver: Stripe (signature verified,
// event stored in the inbox, 200) and Mollie (a ping stored in the inbox, 200). Every delivery is a
// new event, so each is a real insert; processing after the answer is part of the load, and each
// row also reports how long after its load the inbox took to process everything stored.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import Stripe from 'stripe';
import { load, poll } from './measure.mjs';

/** Signed Stripe events, prepared before the load so signing does not slow the load generator. */
function stripeDeliveries(count, secret) {
  const timestamp = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, () => {
    const id = randomUUID().replaceAll('-', '');
    const payload = JSON.stringify({
      id: `evt_bench${id}`,
      object: 'event',
      type: 'payment_intent.processing',
      created: timestamp,
      livemode: false,
      data: { object: { id: `pi_bench${id}`, object: 'payment_intent', status: 'processing', metadata: {} } },
    });
    return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }) };
  });
}

/** Rows for Stripe and Mollie ingest at each connection count, `durationS` each. */
export async function webhookIngest({
  gateway,
  stripeSecret,
  databaseUrl,
  connections,
  durationS,
  expectedRate,
}) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const drained = async () => {
    const loadEnded = Date.now();
    await poll(
      'the webhook inbox to be processed',
      async () =>
        (await client.query('SELECT 1 FROM payments.webhook_events WHERE processed_at IS NULL LIMIT 1'))
          .rowCount === 0,
      300_000,
    );
    return (Date.now() - loadEnded) / 1000;
  };
  try {
    return await ingestRows({ gateway, stripeSecret, connections, durationS, expectedRate, drained });
  } finally {
    await client.end();
  }
}

/** Load of signed Stripe deliveries, each a new event until the prepared ones run out. */
async function stripeLoad(title, { gateway, stripeSecret, connections, durationS, expectedRate }) {
  // Enough signed events for the expected rate with room to spare; sent again from the first
  // beyond that (a resent one is a duplicate: still verified, found in the inbox, answered 200).
  const deliveries = stripeDeliveries(Math.ceil(expectedRate * durationS * 2), stripeSecret);
  let next = 0;
  const row = await load(title, {
    durationS,
    connections,
    url: `${gateway}/v1/webhooks/stripe`,
    method: 'POST',
    prepared: deliveries.length,
    next: () => {
      const { payload, signature } = deliveries[next];
      next += 1;
      return {
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
      };
    },
  });
  return { ...row, unique: Math.min(row.total, deliveries.length) };
}

/** Load of Mollie pings, each for a new id. */
function mollieLoad(title, { gateway, connections, durationS, expectedRate }) {
  return load(title, {
    durationS,
    connections,
    url: `${gateway}/v1/webhooks/mollie`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    prepared: Math.ceil(expectedRate * durationS * 2),
    // Unknown to Mollie: stored, answered 200, fetched once, changes nothing.
    next: () => ({ body: `id=tr_bench${randomUUID().replaceAll('-', '').slice(0, 16)}` }),
  });
}

/** Untimed load first (JIT, pools and consumer groups settle, as on a platform that has been running). */
const WARM_UP_S = 2;

async function ingestRows({ gateway, stripeSecret, connections, durationS, expectedRate, drained }) {
  const shared = { gateway, stripeSecret, expectedRate };
  await stripeLoad('warm-up', { ...shared, connections: connections[0], durationS: WARM_UP_S });
  await mollieLoad('warm-up', { ...shared, connections: connections[0], durationS: WARM_UP_S });
  await drained();
  const rows = [];
  for (const c of connections) {
    const each = { ...shared, connections: c, durationS };
    rows.push(await stripeLoad(`Stripe webhook, ${c} connections`, each));
    rows.at(-1).drainS = await drained();
    rows.push(await mollieLoad(`Mollie webhook, ${c} connections`, each));
    rows.at(-1).drainS = await drained();
  }
  return rows;
}
