import { describe, expect, it } from 'vitest';
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
