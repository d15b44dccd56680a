/**
 * Opaque secrets handed to clients (refresh tokens, email links, OAuth state): 256 random bits,
 * base64url. Only their SHA-256 is stored, so a leaked table cannot be replayed; a plain hash is
 * enough (no salt, no slow hash) because the secrets are random, not chosen by people.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;

export function newOpaqueToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Lower-case hex SHA-256 of the token's UTF-8 bytes: the form every token table stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const SEAL_IV_BYTES = 12;
const SEAL_TAG_BYTES = 16;

/** An AES-256 key only the holder of `token` can derive; unrelated to `hashToken(token)`, which is stored. */
function sealingKey(token: string): Buffer {
  return createHash('sha256').update('tutorflow:seal\0', 'utf8').update(token, 'utf8').digest();
}

/** Encrypts `secret` (AES-256-GCM) so that only someone presenting `token` can read it back. */
export function sealWithToken(token: string, secret: string): string {
  const iv = randomBytes(SEAL_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(token), iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The secret `sealWithToken(token, …)` sealed; undefined when `token` is not the one it was sealed with. */
export function openWithToken(token: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(token), bytes.subarray(0, SEAL_IV_BYTES));
  decipher.setAuthTag(bytes.subarray(SEAL_IV_BYTES, SEAL_IV_BYTES + SEAL_TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(SEAL_IV_BYTES + SEAL_TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
