import escapeHtml from 'escape-html';
import type { CaughtMail } from './caught-mail.model';

/**
 * Scripts are never needed, and caught HTML mail must not reach the network (tracking pixels,
 * remote fonts); the srcdoc iframe inherits this policy from its parent page.
 */
export const inboxContentSecurityPolicy =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; form-action 'self'; base-uri 'none'";

const style = `
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d1d1f; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  tr:hover td { background: #f5f7fa; }
  pre { white-space: pre-wrap; background: #f5f7fa; padding: .8rem; border-radius: 4px; }
  iframe { width: 100%; height: 32rem; border: 1px solid #ddd; border-radius: 4px; }
  dt { font-weight: 600; } dd { margin: 0 0 .4rem 0; word-break: break-all; }
  .muted { color: #666; }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${style}</style></head>
<body>${body}</body></html>`;
}

/** The inbox: one row per caught message, newest first, each linking to its own page. */
export function renderInboxPage(messages: readonly CaughtMail[]): string {
  const rows = [...messages]
    .reverse()
    .map(
      (message) => `<tr>
  <td>${escapeHtml(message.receivedAt.toISOString())}</td>
  <td>${escapeHtml(message.from)}</td>
  <td>${escapeHtml(message.to.join(', '))}</td>
  <td><a href="/messages/${encodeURIComponent(message.id)}">${escapeHtml(message.subject || '(no subject)')}</a></td>
</tr>`,
    )
    .join('\n');
  const table =
    messages.length === 0
      ? '<p class="muted">No mail caught yet. Reload after the app has sent some.</p>'
      : `<table><thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`;
  return layout(
    'Mail catcher',
    `<h1>Mail catcher</h1>
<p><a href="/">Reload</a> · <a href="/api/messages">JSON</a></p>
<form method="post" action="/messages/clear"><button type="submit">Delete all</button></form>
${table}`,
  );
}

/** One message: its envelope, headers, text body, and HTML body rendered in a sandboxed iframe. */
export function renderMessagePage(message: CaughtMail): string {
  const headerList = Object.entries(message.headers)
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('');
  const attachments =
    message.attachments.length === 0
      ? ''
      : `<h2>Attachments</h2><ul>${message.attachments
          .map(
            (attachment) =>
              `<li>${escapeHtml(attachment.filename ?? '(unnamed)')} — ${escapeHtml(attachment.contentType)}, ${attachment.size} bytes</li>`,
          )
          .join('')}</ul>`;
  // sandbox="" (no allow-scripts, no allow-same-origin) keeps the mail's HTML from running script
  // or reaching this page; srcdoc is attribute-escaped so the mail cannot close the attribute.
  const html =
    message.html === undefined
      ? '<p class="muted">No HTML part.</p>'
      : `<iframe sandbox="" referrerpolicy="no-referrer" title="HTML body" srcdoc="${escapeHtml(message.html)}"></iframe>`;
  return layout(
    message.subject || '(no subject)',
    `<p><a href="/">← Inbox</a> · <a href="/api/messages/${encodeURIComponent(message.id)}">JSON</a> · <a href="/messages/${encodeURIComponent(message.id)}/raw">Raw</a></p>
<h1>${escapeHtml(message.subject || '(no subject)')}</h1>
<dl>
  <dt>From</dt><dd>${escapeHtml(message.from)}</dd>
  <dt>To</dt><dd>${escapeHtml(message.to.join(', '))}</dd>
  <dt>Envelope</dt><dd>${escapeHtml(`${message.envelope.from} → ${message.envelope.to.join(', ')}`)}</dd>
  <dt>Received</dt><dd>${escapeHtml(message.receivedAt.toISOString())}</dd>
</dl>
${message.parseError ? `<p><strong>Could not parse:</strong> ${escapeHtml(message.parseError)}</p>` : ''}
<h2>HTML</h2>${html}
<h2>Text</h2><pre>${escapeHtml(message.text || '(no text part)')}</pre>
${attachments}
<details><summary>Headers</summary><dl>${headerList}</dl></details>`,
  );
}
