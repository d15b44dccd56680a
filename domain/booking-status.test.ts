import { describe, expect, it } from 'vitest';
import { canTransition, isFinal, requestExpiresAt } from './booking-status.js';

describe('booking status transitions', () => {
  it('allows the lifecycle the product describes', () => {
    expect(canTransition('REQUESTED', 'SCHEDULED')).toBe(true);
    expect(canTransition('REQUESTED', 'DECLINED')).toBe(true);
    expect(canTransition('REQUESTED', 'EXPIRED')).toBe(true);
    expect(canTransition('SCHEDULED', 'ACTIVE')).toBe(true);
    expect(canTransition('ACTIVE', 'ENDED')).toBe(true);
    expect(canTransition('SCHEDULED', 'CANCELLED')).toBe(true);
  });

  it('refuses shortcuts and resurrections', () => {
    expect(canTransition('REQUESTED', 'ACTIVE')).toBe(false);
    expect(canTransition('DECLINED', 'SCHEDULED')).toBe(false);
    expect(canTransition('ENDED', 'CANCELLED')).toBe(false);
    expect(canTransition('ACTIVE', 'CANCELLED')).toBe(false);
  });

  it('knows which states are final', () => {
    expect(isFinal('EXPIRED')).toBe(true);
    expect(isFinal('SCHEDULED')).toBe(false);
  });
});

describe('requestExpiresAt', () => {
  const hour = 3_600_000;
  const requestedAt = new Date('2026-03-01T10:00:00Z');

  it('is the request TTL when the lesson is far away', () => {
    const start = new Date('2026-03-10T10:00:00Z');
    expect(requestExpiresAt(requestedAt, start, 24 * hour, 2 * hour).toISOString()).toBe('2026-03-02T10:00:00.000Z');
  });

  it('is the minimum notice before the start when that comes first', () => {
    const start = new Date('2026-03-01T20:00:00Z');
    expect(requestExpiresAt(requestedAt, start, 24 * hour, 2 * hour).toISOString()).toBe('2026-03-01T18:00:00.000Z');
  });

  it('never lies in the past', () => {
    const start = new Date('2026-03-01T11:00:00Z');
    expect(requestExpiresAt(requestedAt, start, 24 * hour, 2 * hour)).toEqual(requestedAt);
  });
});
