import escapeHtml from 'escape-html';
import { z } from 'zod';
import type { Locale, RenderedEmail } from './email-template.model';
import { COMMON_COPY } from './email-copy';
import { htmlLayout, subjectLine } from './email-layout';

/**
 * The parts an email body is made of. A template composes plain strings into blocks; the blocks are
 * turned into HTML (every string escaped here, in one place) and into plain text (kept verbatim), so
 * no template writes markup or escapes anything itself.
 */
export type EmailBlock =
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'details'; readonly rows: readonly (readonly [label: string, value: string])[] }
  | { readonly kind: 'action'; readonly label: string; readonly url: string }
  | { readonly kind: 'signoff'; readonly lines: readonly string[] }
  | { readonly kind: 'footnote'; readonly text: string; readonly label: string; readonly url: string };

/** What a template composes for one payload in one language. */
export interface ComposedEmail {
  subject: string;
  blocks: readonly EmailBlock[];
}

/** One email template: its stored payload's schema, and how it reads in each language. */
export interface EmailTemplate<S extends z.ZodType> {
  payload: S;
  /** Subject only: the ledger stores it at the moment the delivery is recorded. */
  subject: (payload: z.infer<S>, locale: Locale) => string;
  render: (payload: z.infer<S>, locale: Locale, extras?: RenderExtras) => RenderedEmail;
}

/** What the sender adds to a template's own blocks. */
export interface RenderExtras {
  /** The signed one-click unsubscribe link of a non-transactional message, shown at the bottom. */
  unsubscribeUrl?: string;
}

/**
 * Declares a template from its payload schema, its copy in every locale (the `Record<Locale, …>`
 * makes a missing language a type error) and a `compose` that arranges the copy into blocks.
 */
export function defineEmailTemplate<S extends z.ZodType, C>(definition: {
  payload: S;
  copy: Readonly<Record<Locale, C>>;
  compose: (payload: z.infer<S>, copy: C, locale: Locale) => ComposedEmail;
}): EmailTemplate<S> {
  const compose = (payload: z.infer<S>, locale: Locale): ComposedEmail =>
    definition.compose(payload, definition.copy[locale], locale);
  return {
    payload: definition.payload,
    subject: (payload, locale) => subjectLine(compose(payload, locale).subject),
    render: (payload, locale, extras = {}) => {
      const composed = compose(payload, locale);
      const subject = composed.subject;
      const blocks: readonly EmailBlock[] =
        extras.unsubscribeUrl === undefined
          ? composed.blocks
          : [...composed.blocks, unsubscribeBlock(locale, linkSchema.parse(extras.unsubscribeUrl))];
      const oneLine = subjectLine(subject);
      return {
        subject: oneLine,
        text: blocksToText(blocks),
        html: htmlLayout(locale, oneLine, blocksToHtml(blocks)),
      };
    },
  };
}

function unsubscribeBlock(locale: Locale, url: string): EmailBlock {
  const copy = COMMON_COPY[locale];
  return { kind: 'footnote', text: copy.unsubscribeReason, label: copy.unsubscribe, url };
}

/** A link a template may put in an action: http(s) only, so a stored payload cannot smuggle `javascript:`. */
export const linkSchema = z.url({ protocol: /^https?$/ });

function blocksToText(blocks: readonly EmailBlock[]): string {
  const parts = blocks.map((block) => {
    switch (block.kind) {
      case 'paragraph':
        return block.text;
      case 'details':
        return block.rows.map(([label, value]) => `${label}: ${value}`).join('\n');
      case 'action':
        return `${block.label}: ${block.url}`;
      case 'signoff':
        return block.lines.join('\n');
      case 'footnote':
        return `--\n${block.text}\n${block.label}: ${block.url}`;
    }
  });
  return `${parts.join('\n\n')}\n`;
}

function blocksToHtml(blocks: readonly EmailBlock[]): string {
  return blocks
    .map((block) => {
      switch (block.kind) {
        case 'paragraph':
          return `<p>${escapeHtml(block.text)}</p>`;
        case 'details':
          return [
            '<table role="presentation" style="border-collapse:collapse;width:100%">',
            ...block.rows.map(
              ([label, value]) =>
                `<tr><td style="padding:6px 12px 6px 0;color:#52525b">${escapeHtml(label)}</td>` +
                `<td style="padding:6px 0;font-weight:bold">${escapeHtml(value)}</td></tr>`,
            ),
            '</table>',
          ].join('\n');
        case 'action':
          return (
            `<p><a href="${escapeHtml(block.url)}" style="display:inline-block;padding:10px 18px;` +
            `background:#18181b;color:#ffffff;text-decoration:none;border-radius:4px">` +
            `${escapeHtml(block.label)}</a></p>`
          );
        case 'signoff':
          return `<p>${block.lines.map((line) => escapeHtml(line)).join('<br>')}</p>`;
        case 'footnote':
          return (
            `<p style="margin-top:32px;font-size:12px;color:#71717a">${escapeHtml(block.text)} ` +
            `<a href="${escapeHtml(block.url)}" style="color:#71717a">${escapeHtml(block.label)}</a></p>`
          );
      }
    })
    .join('\n');
}
