import { LOCALES } from './email-template.model';
import {
  renderStoredEmail,
  templateCatalog,
  type TemplateName,
  type TemplatePayload,
} from './template-catalog';

const bookingId = '3f1c2b8e-7a4d-4c3e-9f2a-1b2c3d4e5f60';
const stay = {
  bookingId,
  propertyTitle: 'Canal house in Amsterdam',
  checkIn: '2026-06-05',
  checkOut: '2026-06-08',
};

/** One realistic payload per template, as the ledger would store it; a new template needs one here. */
const fixtures: { [T in TemplateName]: TemplatePayload<T> } = {
  welcome: { recipientName: 'Ada Lovelace' },
  'booking-held': {
    ...stay,
    guestName: 'Ada Lovelace',
    totalAmount: 24000,
    currency: 'EUR',
    expiresAt: '2026-05-20T12:30:00Z',
    paymentUrl: 'https://pay.rentguy.test/bookings/3f1c2b8e/pay',
    timeZone: 'Europe/Amsterdam',
  },
  'booking-confirmed': { ...stay, guestName: 'Ada Lovelace', totalAmount: 24000, currency: 'EUR' },
  'booking-new-host': {
    ...stay,
    hostName: 'Grace Hopper',
    guestName: 'Ada Lovelace',
    totalAmount: 24000,
    currency: 'EUR',
  },
  'booking-cancelled-guest': { ...stay, guestName: 'Ada Lovelace', refundAmount: 12050, currency: 'EUR' },
  'booking-cancelled-host': {
    ...stay,
    hostName: 'Grace Hopper',
    guestName: 'Ada Lovelace',
    refundAmount: 12050,
    currency: 'EUR',
  },
  'refund-succeeded': {
    bookingId,
    guestName: 'Ada Lovelace',
    propertyTitle: stay.propertyTitle,
    refundAmount: 12050,
    currency: 'EUR',
  },
  'payment-failed': {
    bookingId,
    guestName: 'Ada Lovelace',
    propertyTitle: stay.propertyTitle,
    totalAmount: 123456,
    currency: 'EUR',
    retry: {
      paymentUrl: 'https://pay.rentguy.test/bookings/3f1c2b8e/pay',
      expiresAt: '2026-05-20T12:30:00Z',
    },
    timeZone: 'Europe/Amsterdam',
  },
  'hold-expired': { ...stay, guestName: 'Ada Lovelace' },
  'application-decided': {
    applicationId: '9b0e7c1a-2d3f-4a5b-8c6d-7e8f9a0b1c2d',
    applicantName: 'Ada Lovelace',
    propertyTitle: stay.propertyTitle,
    decision: 'approved',
    reason: 'References checked; welcome aboard.',
  },
  'calendar-conflict': { ...stay, hostName: 'Grace Hopper', calendarName: 'Airbnb iCal' },
  'api-key-expiring': {
    recipientName: 'Grace Hopper',
    keyName: 'Channel manager',
    keyPrefix: 'rg_live_4f2a',
    expiresAt: '2026-12-31T23:00:00Z',
    timeZone: 'Europe/Amsterdam',
  },
  'password-reset': {
    recipientName: 'Ada Lovelace',
    resetUrl: 'https://app.rentguy.test/reset-password?token=abc123',
    expiresAt: '2026-05-20T13:00:00Z',
    timeZone: 'UTC',
  },
  'host-getting-started': { recipientName: 'Grace Hopper' },
};

const names = Object.keys(templateCatalog) as TemplateName[];
const HOSTILE = `<script>alert("x")</script> & 'co'`;
const HOSTILE_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;';

describe.each(names)('%s template', (name) => {
  it.each(LOCALES)('renders in %s (snapshot)', (locale) => {
    expect(renderStoredEmail(name, locale, fixtures[name])).toMatchSnapshot();
  });

  it('reads differently in Dutch than in English', () => {
    const en = renderStoredEmail(name, 'en', fixtures[name]);
    const nl = renderStoredEmail(name, 'nl', fixtures[name]);
    expect(nl.subject).not.toBe(en.subject);
    expect(nl.text).not.toBe(en.text);
    expect(nl.html).toContain('<html lang="nl">');
  });

  it.each(['de', 'fr-FR', 'nl-BE', ''])('falls back to English for locale "%s"', (locale) => {
    expect(renderStoredEmail(name, locale, fixtures[name])).toEqual(
      renderStoredEmail(name, 'en', fixtures[name]),
    );
  });

  // Every top-level string field the schema accepts free text in (names, titles, labels) is one a
  // user or host could have typed: it must come out escaped in the HTML and verbatim in the text.
  const definition = templateCatalog[name];
  const freeText = Object.entries(fixtures[name])
    .filter(([, value]) => typeof value === 'string')
    .map(([field]) => field)
    .filter((field) => definition.payload.safeParse({ ...fixtures[name], [field]: HOSTILE }).success);

  it('has free-text fields for the hostile-input test to fill', () => {
    expect(freeText.length).toBeGreaterThan(0);
  });

  it.each(freeText)('escapes a hostile %s in the HTML and keeps it readable in the text', (field) => {
    for (const locale of LOCALES) {
      const email = renderStoredEmail(name, locale, { ...fixtures[name], [field]: HOSTILE });
      expect(email.html).not.toContain('<script>');
      expect(email.html).not.toContain('"x"');
      expect(email.html).toContain(HOSTILE_ESCAPED);
      expect(email.text).toContain(HOSTILE);
    }
  });
});

describe('unsubscribe footnote', () => {
  const url = 'https://api.rentguy.test/v1/notifications/unsubscribe?token=a.b';

  it.each(LOCALES)('ends a message with the unsubscribe link when one is given (%s)', (locale) => {
    const email = renderStoredEmail('host-getting-started', locale, fixtures['host-getting-started'], {
      unsubscribeUrl: url,
    });
    expect(email.text.trimEnd().endsWith(url)).toBe(true);
    expect(email.html).toContain(`href="${url}"`);
    expect(email.text).toContain(locale === 'nl' ? 'Afmelden' : 'Unsubscribe');
  });

  it('adds nothing without a link, and refuses one that is not http(s)', () => {
    expect(
      renderStoredEmail('host-getting-started', 'en', fixtures['host-getting-started']).text,
    ).not.toContain('Unsubscribe');
    expect(() =>
      renderStoredEmail('host-getting-started', 'en', fixtures['host-getting-started'], {
        unsubscribeUrl: 'javascript:alert(1)',
      }),
    ).toThrow();
  });
});

describe('template payloads', () => {
  it.each([
    ['booking-held', 'paymentUrl'],
    ['password-reset', 'resetUrl'],
  ] as const)('%s escapes the quotes and brackets of its %s inside href', (name, field) => {
    const url = 'https://pay.rentguy.test/p?x="><script>alert(1)</script>';
    const email = renderStoredEmail(name, 'en', { ...fixtures[name], [field]: url });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain(
      'href="https://pay.rentguy.test/p?x=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"',
    );
    expect(email.text).toContain(url);
  });

  it.each([
    ['booking-held', 'paymentUrl'],
    ['password-reset', 'resetUrl'],
  ] as const)('%s refuses a %s that is not http(s)', (name, field) => {
    expect(() =>
      renderStoredEmail(name, 'en', { ...fixtures[name], [field]: 'javascript:alert(1)' }),
    ).toThrow();
  });

  it('keeps a hostile title with line breaks out of the subject header', () => {
    const email = renderStoredEmail('booking-held', 'en', {
      ...fixtures['booking-held'],
      propertyTitle: 'Loft\r\nBcc: victim@example.com',
    });
    expect(email.subject).toBe('Complete your payment to book Loft Bcc: victim@example.com');
  });
});

describe('locale formatting in the templates', () => {
  it('prints the pay-before time in the given zone, in the language of the email', () => {
    const en = renderStoredEmail('booking-held', 'en', fixtures['booking-held']);
    const nl = renderStoredEmail('booking-held', 'nl', fixtures['booking-held']);
    // 12:30 UTC is 14:30 summer time in Amsterdam.
    expect(en.text).toContain('Pay before: Wed, 20 May 2026 at 14:30 CEST');
    expect(en.text).toContain('Amount due: €240.00');
    expect(nl.text).toMatch(/Betaal vóór: wo 20 mei 2026.*14:30 CEST/);
    expect(nl.text).toContain('Te betalen: €\u00a0240,00');
  });

  it('shows deadlines in UTC when no time zone was stored', () => {
    const { timeZone: _omitted, ...withoutZone } = fixtures['password-reset'];
    const email = renderStoredEmail('password-reset', 'en', withoutZone);
    expect(email.text).toContain('it works until Wed, 20 May 2026 at 13:00 UTC.');
  });

  it('refuses a time zone the runtime does not know', () => {
    expect(() =>
      renderStoredEmail('api-key-expiring', 'en', {
        ...fixtures['api-key-expiring'],
        timeZone: 'Mars/Olympus',
      }),
    ).toThrow('not a known IANA time zone');
  });

  it('says there is no refund when the refund is zero, and names the amount when there is one', () => {
    const none = renderStoredEmail('booking-cancelled-guest', 'en', {
      ...fixtures['booking-cancelled-guest'],
      refundAmount: 0,
    });
    expect(none.text).toContain('This cancellation does not qualify for a refund.');
    expect(
      renderStoredEmail('booking-cancelled-guest', 'nl', fixtures['booking-cancelled-guest']).text,
    ).toContain('We storten €\u00a0120,50 terug');
  });

  it('tells a declined applicant so, and offers no retry link once a failed payment cannot be retried', () => {
    const declined = renderStoredEmail('application-decided', 'en', {
      ...fixtures['application-decided'],
      decision: 'declined',
    });
    expect(declined.text).toContain('has not been approved');
    const { reason: _none, ...withoutReason } = fixtures['application-decided'];
    expect(renderStoredEmail('application-decided', 'en', withoutReason).text).not.toContain(
      'The host wrote',
    );
    const { retry: _omitted, ...noRetry } = fixtures['payment-failed'];
    const failed = renderStoredEmail('payment-failed', 'en', noRetry);
    expect(failed.text).toContain('Your booking has not been confirmed.');
    expect(failed.html).not.toContain('<a ');
  });
});
