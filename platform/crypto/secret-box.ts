/**
 * Encrypts secrets kept at rest (third-party refresh tokens) with AES-256-GCM under a key derived
 * from SECRET_KEY by HKDF. Each purpose derives a key of its own, so one leaked ciphertext context
 * says nothing about another, and the purpose is bound into the ciphertext as associated data: a
 * token sealed for Google cannot be opened as anything else.
 *
 * Sealed form: `v1.<base64url(iv ‖ ciphertext ‖ tag)>`. The version prefix leaves room for a key
 * rotation without guessing what an old row holds.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** What may be sealed, each under a key of its own; a closed set so two callers never disagree on a name. */
export const SEAL_PURPOSES = {
  googleRefreshToken: 'google-refresh-token',
} as const;
export type SealPurpose = (typeof SEAL_PURPOSES)[keyof typeof SEAL_PURPOSES];

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  private readonly key: Buffer;
  private readonly aad: Buffer;

  constructor(secretKey: string, purpose: SealPurpose) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, 'tutorflow', `secret-box:${purpose}:${VERSION}`, 32));
    this.aad = Buffer.from(purpose, 'utf8');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** Throws if the text was not sealed by this key and purpose, or was altered. */
  open(sealed: string): string {
    const [version, payload] = sealed.split('.', 2);
    if (version !== VERSION || !payload) throw new Error('Not a sealed secret of a known version');
    const bytes = Buffer.from(payload, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('Sealed secret is truncated');
    const iv = bytes.subarray(0, IV_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(this.aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
