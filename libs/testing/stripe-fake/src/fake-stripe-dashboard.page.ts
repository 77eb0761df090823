import escapeHtml from 'escape-html';
import type Stripe from 'stripe';

import type { WebhookDelivery } from './fake-stripe.model';
import { formatAmount } from './money-format.util';

export const dashboardContentSecurityPolicy =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; base-uri 'none'";

export interface DashboardView {
  paymentIntents: readonly Stripe.PaymentIntent[];
  deliveries: readonly WebhookDelivery[];
  webhookUrl: string | undefined;
  /** Show only this PaymentIntent (a checkout-like page for one payment). */
  focus?: string;
  /** Where the Pay / Decline buttons send the browser afterwards. */
  returnUrl?: string;
}

const payable = new Set<string>([
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
]);

const style = `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  code { font-size: 12px; }
  .status { padding: .1rem .4rem; border-radius: 3px; background: #eee; }
  .succeeded { background: #d7f7dc; } .canceled { background: #f2f2f2; color: #777; }
  .failed { background: #fde2e1; }
  form { display: inline; }
  button { margin-right: .3rem; cursor: pointer; }
  .muted { color: #666; }
`;

/** The fake's dashboard: payment intents with Pay / Decline buttons, and recent webhook deliveries. */
export function renderDashboardPage(view: DashboardView): string {
  const intents = [...view.paymentIntents]
    .reverse()
    .filter((intent) => !view.focus || intent.id === view.focus);
  const rows = intents.map((intent) => paymentIntentRow(intent, view.returnUrl)).join('\n');
  const deliveries = [...view.deliveries]
    .reverse()
    .slice(0, 20)
    .map(
      (delivery) => `<tr>
  <td>${escapeHtml(delivery.sentAt.toISOString())}</td>
  <td><code>${escapeHtml(delivery.eventType)}</code> <span class="muted">${escapeHtml(delivery.eventId)}</span></td>
  <td>${delivery.attempt}</td>
  <td><span class="status ${delivery.ok ? 'succeeded' : 'failed'}">${escapeHtml(delivery.status === null ? (delivery.error ?? 'no answer') : String(delivery.status))}</span></td>
</tr>`,
    )
    .join('\n');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fake Stripe</title><style>${style}</style></head>
<body>
<h1>Fake Stripe <span class="muted">(test mode)</span></h1>
<p><a href="/">All payments</a> · <a href="">Reload</a> · webhooks go to <code>${escapeHtml(view.webhookUrl ?? '(no webhook URL set)')}</code></p>
${
  intents.length === 0
    ? `<p class="muted">${view.focus ? `No PaymentIntent ${escapeHtml(view.focus)}.` : 'No PaymentIntents yet.'}</p>`
    : `<table><thead><tr><th>PaymentIntent</th><th>Amount</th><th>Status</th><th>Description / metadata</th><th></th></tr></thead>
<tbody>${rows}</tbody></table>`
}
<h2>Webhook deliveries</h2>
${
  deliveries === ''
    ? '<p class="muted">None yet.</p>'
    : `<table><thead><tr><th>Sent</th><th>Event</th><th>Try</th><th>Answer</th></tr></thead><tbody>${deliveries}</tbody></table>`
}
</body></html>`;
}

function paymentIntentRow(intent: Stripe.PaymentIntent, returnUrl: string | undefined): string {
  const metadata = Object.entries(intent.metadata)
    .map(([key, value]) => `<div><code>${escapeHtml(key)}</code>: ${escapeHtml(value)}</div>`)
    .join('');
  const lastError = intent.last_payment_error?.message
    ? `<div class="muted">Last error: ${escapeHtml(intent.last_payment_error.message)}</div>`
    : '';
  const returnField = returnUrl
    ? `<input type="hidden" name="return_url" value="${escapeHtml(returnUrl)}">`
    : '';
  const path = `/_fake/payment_intents/${encodeURIComponent(intent.id)}`;
  const actions = payable.has(intent.status)
    ? `<form method="post" action="${path}/succeed">${returnField}<button type="submit">Pay</button></form>` +
      `<form method="post" action="${path}/fail">${returnField}<button type="submit">Decline</button></form>`
    : '';
  return `<tr>
  <td><code>${escapeHtml(intent.id)}</code><div class="muted">${escapeHtml(new Date(intent.created * 1000).toISOString())}</div></td>
  <td>${escapeHtml(formatAmount(intent.amount, intent.currency))} ${escapeHtml(intent.currency.toUpperCase())}</td>
  <td><span class="status ${escapeHtml(intent.status)}">${escapeHtml(intent.status)}</span>${lastError}</td>
  <td>${escapeHtml(intent.description ?? '')}${metadata}</td>
  <td>${actions}</td>
</tr>`;
}
