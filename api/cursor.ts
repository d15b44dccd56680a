/**
 * Opaque keyset-pagination cursors: the sort key of the last row a client saw, base64url-encoded so
 * clients pass it back without reading it. A tampered cursor is a 400, never a 500.
 */
import { AppError } from '../domain/errors.js';

export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === arity && parts.every((part) => typeof part === 'string' || typeof part === 'number')) return parts;
  } catch {
    // fall through
  }
  throw AppError.invalidInput('The cursor is not one this API gave out', [{ path: 'query.cursor', message: 'invalid cursor' }]);
}
