import { describe, expect, it } from 'vitest';
import { TypingThrottle } from './typing-throttle.js';

describe('TypingThrottle', () => {
  it('forwards one start per interval per user and conversation', () => {
    const throttle = new TypingThrottle(2000);
    expect(throttle.shouldForward('u', 'c', 'start', 0)).toBe(true);
    expect(throttle.shouldForward('u', 'c', 'start', 1999)).toBe(false);
    expect(throttle.shouldForward('u', 'other', 'start', 1999)).toBe(true);
    expect(throttle.shouldForward('u', 'c', 'start', 2000)).toBe(true);
  });

  it('forwards a stop only after a forwarded start, and lets the next start through', () => {
    const throttle = new TypingThrottle(2000);
    expect(throttle.shouldForward('u', 'c', 'stop', 0)).toBe(false);
    throttle.shouldForward('u', 'c', 'start', 0);
    expect(throttle.shouldForward('u', 'c', 'stop', 10)).toBe(true);
    expect(throttle.shouldForward('u', 'c', 'start', 20)).toBe(true);
  });

  it('lets a start through right after a message reset it', () => {
    const throttle = new TypingThrottle(2000);
    throttle.shouldForward('u', 'c', 'start', 0);
    throttle.reset('u', 'c');
    expect(throttle.shouldForward('u', 'c', 'start', 5)).toBe(true);
  });
});
