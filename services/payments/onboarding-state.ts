/**
 * The `state` Stripe carries back on the onboarding return and refresh URLs. Stripe sends the
 * tutor's browser there with a plain GET, without the API's bearer token, so the URL itself says
 * whose account it is: signed (HMAC with a key derived from SECRET_KEY) and short-lived, so nobody
 * can forge one for another tutor's account or keep one for later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface OnboardingState {
  userId: string;
  accountId: string;
}

/** A day: the tutor may come back to an expired link later than Stripe's few minutes, but not for ever. */
const STATE_TTL_MS = 24 * 3_600_000;

export class OnboardingStateSigner {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    this.key = createHmac('sha256', secretKey).update('tutorflow:payouts-onboarding-state').digest();
  }

  sign(state: OnboardingState, nowMs = Date.now()): string {
    const payload = Buffer.from(JSON.stringify([state.userId, state.accountId, nowMs + STATE_TTL_MS])).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The state, or undefined when it was not signed here, was changed, or has expired. */
  verify(token: string, nowMs = Date.now()): OnboardingState | undefined {
    const [payload, mac] = token.split('.');
    if (!payload || !mac) return undefined;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const [userId, accountId, expiresAt] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, string, number];
      return typeof userId === 'string' && typeof accountId === 'string' && expiresAt > nowMs ? { userId, accountId } : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
