import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst of its capacity, then refuses until time refills it', () => {
    let now = 0;
    const bucket = new TokenBucket(3, 1 / 1000, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 1000;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
  });

  it('never holds more than its capacity however long it rests', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 1, () => now);
    now += 1_000_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
  });
});
