import escapeHtml from 'escape-html';
import { CHECKOUT_OUTCOMES, type FakeMolliePayment, type PingDelivery } from './fake-mollie.model';

export const checkoutContentSecurityPolicy =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; base-uri 'none'";

const style = `
  body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem auto; max-width: 34rem; color: #1d1d1f; }
  .amount { font-size: 2rem; margin: .5rem 0 1rem; }
  button { font-size: 1rem; margin: .3rem .4rem .3rem 0; padding: .5rem 1rem; cursor: pointer; }
  .muted { color: #666; } code { font-size: 12px; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .3rem; border-bottom: 1px solid #ddd; }
`;

/** Mollie's hosted checkout, faked: a person picks what happens to the payment. */
export function renderCheckoutPage(payment: FakeMolliePayment, deliveries: readonly PingDelivery[]): string {
  const e = (value: unknown) => escapeHtml(String(value ?? ''));
  const buttons =
    payment.status === 'open'
      ? `<form method="post" action="/checkout/${e(payment.id)}">
           ${CHECKOUT_OUTCOMES.map((o) => `<button name="status" value="${o}">${o}</button>`).join('')}
         </form>
         <p class="muted">The fake sets the status, pings <code>${e(payment.webhookUrl ?? '(no webhookUrl)')}</code>
         with <code>id=${e(payment.id)}</code> as Mollie does, then sends you to the redirect URL.</p>`
      : `<p>This payment is <strong>${e(payment.status)}</strong>. <a href="${e(payment.redirectUrl)}">Back to the shop</a></p>`;
  const pings = deliveries
    .filter((d) => d.paymentId === payment.id)
    .map((d) => `<tr><td>${e(d.at)}</td><td>${e(d.attempt)}</td><td>${e(d.status ?? d.error)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Mollie checkout</title>
  <style>${style}</style></head><body>
  <p class="muted">Fake Mollie checkout (test mode) · <code>${e(payment.id)}</code></p>
  <h1>${e(payment.description)}</h1>
  <div class="amount">${e(payment.amount.currency)} ${e(payment.amount.value)}</div>
  <p>Method: ${e(payment.method ?? 'any')}</p>
  ${buttons}
  ${pings ? `<h2>Webhook pings</h2><table><tr><th>at</th><th>try</th><th>answer</th></tr>${pings}</table>` : ''}
  </body></html>`;
}
