import { bookingConfirmedTemplate, type BookingConfirmedPayload } from './booking-confirmed.template';
import { renderStoredEmail, resolveLocale } from './template-catalog';

const payload: BookingConfirmedPayload = {
  bookingId: '3f1c2b8e-7a4d-4c3e-9f2a-1b2c3d4e5f60',
  guestName: 'Ada Lovelace',
  propertyTitle: 'Canal house in Amsterdam',
  checkIn: '2026-06-05',
  checkOut: '2026-06-08',
  totalAmount: 24000,
  currency: 'EUR',
};

describe('booking-confirmed template', () => {
  it('writes the English confirmation with the dates, nights and total', () => {
    const email = bookingConfirmedTemplate.render(payload, 'en');

    expect(email.subject).toBe('Your booking at Canal house in Amsterdam is confirmed');
    expect(email.text).toContain('Hi Ada Lovelace,');
    expect(email.text).toContain('Check-in: Fri, 5 June 2026');
    expect(email.text).toContain('Check-out: Mon, 8 June 2026 (3 nights)');
    expect(email.text).toContain('Total paid: €240.00');
    expect(email.text).toContain(`Booking reference: ${payload.bookingId}`);
    expect(email.html).toContain('<html lang="en">');
    expect(email.html).toContain('€240.00');
  });

  it('writes the Dutch confirmation with Dutch dates and number format', () => {
    const email = bookingConfirmedTemplate.render(payload, 'nl');

    expect(email.subject).toBe('Je boeking bij Canal house in Amsterdam is bevestigd');
    expect(email.text).toContain('Hoi Ada Lovelace,');
    expect(email.text).toContain('Inchecken: vr 5 juni 2026');
    expect(email.text).toContain('Uitchecken: ma 8 juni 2026 (3 nachten)');
    // nl-NL puts a no-break space between the symbol and the amount.
    expect(email.text).toContain('Totaal betaald: €\u00a0240,00');
    expect(email.html).toContain('<html lang="nl">');
  });

  it('says "1 night" for a single night', () => {
    const email = bookingConfirmedTemplate.render({ ...payload, checkOut: '2026-06-06' }, 'en');

    expect(email.text).toContain('(1 night)');
  });

  it('escapes guest-supplied text in the HTML but keeps it verbatim in the plain text', () => {
    const hostile = {
      ...payload,
      guestName: '<script>alert("x")</script>',
      propertyTitle: "Tom & Jerry's <b>loft</b>",
    };

    const email = bookingConfirmedTemplate.render(hostile, 'en');

    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<b>loft</b>');
    expect(email.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(email.html).toContain('Tom &amp; Jerry&#39;s &lt;b&gt;loft&lt;/b&gt;');
    expect(email.html).toContain(
      '<title>Your booking at Tom &amp; Jerry&#39;s &lt;b&gt;loft&lt;/b&gt; is confirmed</title>',
    );
    expect(email.text).toContain('Hi <script>alert("x")</script>,');
  });

  it('keeps the subject on one line even when the title contains line breaks', () => {
    const email = bookingConfirmedTemplate.render(
      { ...payload, propertyTitle: 'Loft\r\nBcc: victim@example.com' },
      'en',
    );

    expect(email.subject).toBe('Your booking at Loft Bcc: victim@example.com is confirmed');
    expect(email.subject).not.toMatch(/[\r\n]/);
  });
});

describe('renderStoredEmail', () => {
  it('renders from a stored payload and falls back to English for an unknown locale', () => {
    expect(renderStoredEmail('booking-confirmed', 'de', payload).subject).toBe(
      'Your booking at Canal house in Amsterdam is confirmed',
    );
    expect(resolveLocale('nl')).toBe('nl');
    expect(resolveLocale(undefined)).toBe('en');
  });

  it('refuses an unknown template or a payload that does not fit it', () => {
    expect(() => renderStoredEmail('newsletter', 'en', payload)).toThrow(
      'unknown email template "newsletter"',
    );
    expect(() => renderStoredEmail('booking-confirmed', 'en', { ...payload, totalAmount: 'lots' })).toThrow();
  });
});
