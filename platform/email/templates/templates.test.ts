import { describe, expect, it } from 'vitest';
import { BOOKING_TEMPLATES } from './booking.js';
import { EMAIL_TEMPLATES, renderEmail } from './index.js';

describe('email templates', () => {
  it('are registered under their own names', () => {
    for (const [name, template] of Object.entries(EMAIL_TEMPLATES)) expect(template.name).toBe(name);
  });

  it('escape what users typed in the HTML part and show times in the recipient zone', () => {
    const email = renderEmail('verify-email', {
      displayName: '<script>alert(1)</script>',
      link: 'https://app.example.test/verify-email?token=abc',
      expiresAt: '2025-06-03T12:05:00.000Z',
      timeZone: 'Europe/Paris',
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
    expect(email.text).toContain('https://app.example.test/verify-email?token=abc');
    expect(email.text).toContain('14:05');
  });

  it('refuse params the template does not accept', () => {
    expect(() => renderEmail('reset-password', { displayName: 'Ada' })).toThrow();
    expect(() => renderEmail('no-such-template', {})).toThrow(/no email template/);
  });
});

describe('languages', () => {
  const booking = { bookingId: 'b1', sessionStart: '2027-07-01T12:00:00.000Z', sessionEnd: '2027-07-01T13:00:00.000Z', timeZone: 'Europe/Berlin', priceMinor: 6000, currency: 'EUR', recipientName: 'Ada', role: 'student' };
  const extra = { joinUrl: 'https://zoom.example/j/1', reason: 'r', message: 'm', amountMinor: 100, newStart: '2027-07-02T12:00:00.000Z', previousStart: '2027-06-30T12:00:00.000Z', reportedBy: 'tutor', contestedBy: 'student', differenceMinor: 100 };

  it('writes every booking email in English and German, with times in the given zone', () => {
    for (const name of Object.keys(BOOKING_TEMPLATES)) {
      const english = renderEmail(name, { ...booking, ...extra, language: 'en' });
      const german = renderEmail(name, { ...booking, ...extra, language: 'de' });
      expect(german.subject, name).not.toBe(english.subject);
      expect(german.text, name).toMatch(/^Hallo Ada,/);
      expect(english.text, name).toMatch(/^Hello Ada,/);
    }
    expect(renderEmail('lesson-reminder', { ...booking, ...extra, language: 'de' }).text).toContain('Do., 1. Juli 2027, 14:00 MESZ');
  });

  it('falls back to English for messages enqueued before languages existed', () => {
    expect(renderEmail('booking-scheduled', { ...booking, ...extra }).subject).toBe('Your lesson is booked');
  });
});
