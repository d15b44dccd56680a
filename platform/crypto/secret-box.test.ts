import { describe, expect, it } from 'vitest';
import { SEAL_PURPOSES, SecretBox, type SealPurpose } from './secret-box.js';

const KEY = 'a-test-secret-key-that-is-long-enough-0123456789';

describe('SecretBox', () => {
  it('opens what it sealed, and never stores the plaintext', () => {
    const box = new SecretBox(KEY, SEAL_PURPOSES.googleRefreshToken);
    const sealed = box.seal('1//refresh-token-value');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('refresh-token-value');
    expect(box.open(sealed)).toBe('1//refresh-token-value');
  });

  it('seals the same text differently each time (a fresh IV)', () => {
    const box = new SecretBox(KEY, SEAL_PURPOSES.googleRefreshToken);
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a tampered ciphertext', () => {
    const box = new SecretBox(KEY, SEAL_PURPOSES.googleRefreshToken);
    const sealed = box.seal('secret');
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    bytes[14] = bytes[14]! ^ 0x01;
    expect(() => box.open(`v1.${bytes.toString('base64url')}`)).toThrow();
  });

  it('refuses a secret sealed under another SECRET_KEY or for another purpose', () => {
    const sealed = new SecretBox(KEY, SEAL_PURPOSES.googleRefreshToken).seal('secret');
    expect(() => new SecretBox(`${KEY}-other`, SEAL_PURPOSES.googleRefreshToken).open(sealed)).toThrow();
    expect(() => new SecretBox(KEY, 'something-else' as SealPurpose).open(sealed)).toThrow();
  });

  it('refuses text that is not a sealed secret', () => {
    const box = new SecretBox(KEY, SEAL_PURPOSES.googleRefreshToken);
    expect(() => box.open('plain-refresh-token')).toThrow(/known version/);
    expect(() => box.open('v1.AAAA')).toThrow(/truncated/);
  });
});
