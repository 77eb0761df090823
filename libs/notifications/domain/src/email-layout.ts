import escapeHtml from 'escape-html';
import type { Locale } from './email-template.model';

/**
 * The HTML frame every email shares: a single centred column with inline styles, because mail
 * clients ignore <style> blocks and external CSS. `bodyHtml` must already be escaped.
 */
export function htmlLayout(locale: Locale, title: string, bodyHtml: string): string {
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="margin:0;padding:0;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif;color:#18181b">',
    '<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff">',
    bodyHtml,
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');
}

/** One line for an email subject: header injection is impossible and long titles stay readable. */
export function subjectLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').trim();
}
