import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, newOpaqueToken, openWithToken, sealWithToken } from './opaque-tokens.js';

describe('opaque tokens', () => {
  it('are 256 random bits in base64url, never repeated', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newOpaqueToken));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
  });

  it('are stored as the hex SHA-256 of their text', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const token = newOpaqueToken();
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hash differently when a single character differs', () => {
    const token = newOpaqueToken();
    const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(hashToken(altered)).not.toBe(hashToken(token));
  });

  it('seal a secret that only the token it was sealed with opens, and that a tampered seal does not yield', () => {
    const [token, secret] = [newOpaqueToken(), newOpaqueToken()];
    const sealed = sealWithToken(token, secret);
    expect(sealed).not.toContain(secret);
    expect(sealWithToken(token, secret)).not.toBe(sealed);
    expect(openWithToken(token, sealed)).toBe(secret);
    expect(openWithToken(newOpaqueToken(), sealed)).toBeUndefined();
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(openWithToken(token, bytes.toString('base64url'))).toBeUndefined();
  });
});
