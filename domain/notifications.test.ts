import { describe, expect, it } from 'vitest';
import { DEFAULT_CHANNELS, effectiveChannels, isLanguage, isNotificationKind, MANDATORY_EMAIL_KINDS, NOTIFICATION_KINDS } from './notifications.js';

describe('notification channels', () => {
  it('are both on for a kind nobody changed', () => {
    expect(effectiveChannels('booking.accepted', undefined)).toEqual(DEFAULT_CHANNELS);
  });

  it('follow the person’s choice, except that a security email always goes', () => {
    expect(effectiveChannels('lesson.reminder', { inApp: false, email: false })).toEqual({ inApp: false, email: false });
    expect(effectiveChannels('account.security', { inApp: false, email: false })).toEqual({ inApp: false, email: true });
  });

  it('name only known kinds and languages', () => {
    for (const kind of MANDATORY_EMAIL_KINDS) expect(NOTIFICATION_KINDS).toContain(kind);
    expect(isNotificationKind('booking.requested')).toBe(true);
    expect(isNotificationKind('booking.unknown')).toBe(false);
    expect(isLanguage('de')).toBe(true);
    expect(isLanguage('fr')).toBe(false);
  });
});
