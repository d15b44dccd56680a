/**
 * Opaque secrets handed to clients (refresh tokens, email links, OAuth state): 256 random bits,
 * base64url. Only their SHA-256 is stored, so a leaked table cannot be replayed; a plain hash is
 * enough (no salt, no slow hash) because the secrets are random, not chosen by people.
 */
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;

export function newOpaqueToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Lower-case hex SHA-256 of the token's UTF-8 bytes: the form every token table stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
