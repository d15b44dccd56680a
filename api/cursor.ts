/**
 * Opaque keyset cursors for lists ordered newest first by (a time, an id): the position of the last
 * row a client saw, base64url-encoded so clients pass it back without reading it. A cursor that does
 * not decode to exactly such a position is a 400, never a query with garbage in it: the id must be of
 * the list's own kind (a uuid for bookings, a bigint for events) and the time inside the calendar.
 */
import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { isWithinCalendar } from '../domain/safe-input.js';

export interface KeysetPosition {
  at: Date;
  id: string;
}

/** Booking ids are UUIDs; event ids are bigserial numbers. */
export type CursorIdKind = 'uuid' | 'bigint';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BIGINT = /^\d{1,19}$/;
const MAX_BIGINT = 9_223_372_036_854_775_807n;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isId(id: string, kind: CursorIdKind | undefined): boolean {
  const uuid = UUID.test(id);
  const bigint = BIGINT.test(id) && BigInt(id) <= MAX_BIGINT;
  return kind === 'uuid' ? uuid : kind === 'bigint' ? bigint : uuid || bigint;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

function parseCursor(cursor: string, kind: CursorIdKind | undefined): KeysetPosition | undefined {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts) || parts.length !== 2) return undefined;
  const [at, id] = parts as unknown[];
  if (typeof at !== 'string' || !INSTANT.test(at) || !isWithinCalendar(at)) return undefined;
  if (typeof id !== 'string' || !isId(id, kind)) return undefined;
  return { at: new Date(at), id };
}

/** The `cursor` query parameter of a list whose ids are of `kind`: refused with a 400 at validation. */
export function cursorQuery(kind: CursorIdKind) {
  return z
    .string()
    .max(200)
    .refine((cursor) => parseCursor(cursor, kind) !== undefined, 'not a cursor this API gave out')
    .describe('nextCursor of the previous page, as given');
}

export function decodeCursor(cursor: string, kind?: CursorIdKind): KeysetPosition {
  const position = parseCursor(cursor, kind);
  if (position) return position;
  throw AppError.invalidInput('The cursor is not one this API gave out', [{ path: 'query.cursor', message: 'invalid cursor' }]);
}
