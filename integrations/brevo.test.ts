import { BrevoError, BrevoTimeoutError } from '@getbrevo/brevo';
import { describe, expect, it } from 'vitest';
import { toDeliveryError } from './brevo.js';

describe('toDeliveryError', () => {
  it('retries when Brevo answered that it is busy or broken', () => {
    for (const statusCode of [429, 500, 502, 503, 504]) {
      expect(toDeliveryError(new BrevoError({ statusCode, message: 'no' })).retryable, String(statusCode)).toBe(true);
    }
  });

  it('gives up when Brevo refused the message itself', () => {
    for (const statusCode of [400, 401, 403, 404, 422]) {
      expect(toDeliveryError(new BrevoError({ statusCode, message: 'no' })).retryable, String(statusCode)).toBe(false);
    }
  });

  it('retries when the request never reached Brevo', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4510'), { code: 'ECONNREFUSED' });
    const error = new BrevoError({ message: 'fetch failed', cause: new TypeError('fetch failed', { cause: refused }) });
    expect(toDeliveryError(error)).toMatchObject({ retryable: true, message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('does not retry when the message may already have gone out', () => {
    expect(toDeliveryError(new BrevoTimeoutError('Timeout exceeded')).retryable).toBe(false);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toDeliveryError(new BrevoError({ message: 'fetch failed', cause: reset })).retryable).toBe(false);
  });
});
