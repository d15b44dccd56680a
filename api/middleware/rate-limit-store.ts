/**
 * Where rate-limit counts live: Redis, shared by every API process, updated by one Lua script per
 * request so that counting and deciding are a single atomic step (no two processes can both take
 * the last slot). The script reads the time from Redis, so processes with skewed clocks still agree.
 *
 * While Redis is down each process falls back to counting in its own memory. That keeps the
 * limits roughly enforced (per process rather than per deployment) without making Redis a hard
 * dependency of signing in; as soon as Redis answers again, counting goes back to it. Counts made in
 * memory during the outage are not carried over.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RateLimit } from '../../domain/config.js';
import { decide, hitWindow, type Decision, type WindowCounts } from './rate-limit-window.js';

// Mirrors rollWindow and fits in rate-limit-window.ts. Returns { allowed, current, previous, elapsed }.
const SLIDING_WINDOW_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local index = math.floor(now / window)
local stored = redis.call('HMGET', KEYS[1], 'i', 'c', 'p')
local i = tonumber(stored[1])
local current = tonumber(stored[2]) or 0
local previous = tonumber(stored[3]) or 0
if i == nil or i < index - 1 then
  current = 0
  previous = 0
elseif i == index - 1 then
  previous = current
  current = 0
end
local elapsed = now - index * window
local allowed = 0
if previous * (window - elapsed) / window + current + 1 <= limit then
  current = current + 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'i', index, 'c', current, 'p', previous)
redis.call('PEXPIRE', KEYS[1], window * 2)
return { allowed, current, previous, elapsed }
`;
const SCRIPT_SHA = createHash('sha1').update(SLIDING_WINDOW_SCRIPT).digest('hex');

/** Entries are dropped once their window is over; sweeping every this many hits bounds the memory. */
const SWEEP_EVERY = 1_000;

export class MemoryRateLimitStore {
  private readonly entries = new Map<string, { counts: WindowCounts; windowMs: number }>();
  private hitsSinceSweep = 0;

  hit(key: string, policy: RateLimit, nowMs = Date.now()): Decision {
    if (++this.hitsSinceSweep >= SWEEP_EVERY) this.sweep(nowMs);
    const entry = this.entries.get(key);
    const { counts, decision } = hitWindow(entry?.counts, nowMs, policy.windowMs, policy.limit);
    this.entries.set(key, { counts, windowMs: policy.windowMs });
    return decision;
  }

  private sweep(nowMs: number): void {
    this.hitsSinceSweep = 0;
    for (const [key, { counts, windowMs }] of this.entries) {
      if (counts.windowIndex < Math.floor(nowMs / windowMs) - 1) this.entries.delete(key);
    }
  }
}

export class RateLimiter {
  private readonly memory = new MemoryRateLimitStore();
  private degraded = false;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly keyPrefix = 'tutorflow:rate:',
  ) {}

  /** Counts one request of `clientKey` against the named limit. */
  async hit(name: string, clientKey: string, policy: RateLimit): Promise<Decision> {
    const key = `${this.keyPrefix}${name}:${clientKey}`;
    if (this.redis.status === 'ready') {
      try {
        const decision = await this.hitRedis(key, policy);
        if (this.degraded) {
          this.degraded = false;
          this.logger.info('rate limits: Redis is back; counting there again');
        }
        return decision;
      } catch (error) {
        this.noteOutage(error);
      }
    } else {
      this.noteOutage(new Error(`Redis connection is ${this.redis.status}`));
    }
    return this.memory.hit(key, policy);
  }

  private noteOutage(error: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn({ err: error }, 'rate limits: Redis unavailable; counting in this process until it is back');
  }

  private async hitRedis(key: string, policy: RateLimit): Promise<Decision> {
    const args = [1, key, policy.windowMs, policy.limit] as const;
    let reply: unknown;
    try {
      reply = await this.redis.evalsha(SCRIPT_SHA, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      reply = await this.redis.eval(SLIDING_WINDOW_SCRIPT, ...args);
    }
    const [allowed, current, previous, elapsed] = (reply as number[]).map(Number) as [number, number, number, number];
    return decide({ windowIndex: 0, current, previous }, allowed === 1, elapsed, policy.windowMs, policy.limit);
  }
}
