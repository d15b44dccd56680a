/**
 * Opaque keyset cursors for lists ordered newest first by (a time, an id): the position of the last
 * row a client saw, base64url-encoded so clients pass it back without reading it. A cursor that does
 * not decode to exactly such a position is a 400, never a query with garbage in it.
 */
import { AppError } from '../domain/errors.js';

export interface KeysetPosition {
  at: Date;
  id: string;
}

// Booking ids are UUIDs; event ids are bigserial numbers.
const ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{1,19})$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (Array.isArray(parts) && parts.length === 2) {
    const [at, id] = parts as unknown[];
    if (typeof at === 'string' && INSTANT.test(at) && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && ID.test(id)) {
      return { at: new Date(at), id };
    }
  }
  throw AppError.invalidInput('The cursor is not one this API gave out', [{ path: 'query.cursor', message: 'invalid cursor' }]);
}
