/**
 * Opaque page cursors: base64url of the sort the page was read in, the last tutor's sort key and
 * its user id. Clients pass them back untouched; a cursor that does not decode, or that was made
 * for another sort, is refused instead of silently restarting the walk.
 */
import type { SearchPosition, SearchSort } from '../../db/repositories/tutor-search-repository.js';
import { AppError } from '../../domain/errors.js';

const KEY_FORMATS: Record<SearchSort, RegExp> = {
  relevance: /^-?\d{1,6}(\.\d{1,8})?$/,
  rating: /^-?\d{1,6}(\.\d{1,8})?$/,
  price_asc: /^\d{1,10}$/,
  price_desc: /^\d{1,10}$/,
  newest: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(sort: SearchSort, position: SearchPosition): string {
  return Buffer.from(JSON.stringify({ s: sort, k: position.sortKey, u: position.userId })).toString('base64url');
}

export function decodeCursor(cursor: string, sort: SearchSort): SearchPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('is not a cursor this API returned');
  }
  const { s, k, u } = (decoded ?? {}) as Record<string, unknown>;
  if (typeof s !== 'string' || typeof k !== 'string' || typeof u !== 'string' || !UUID.test(u)) throw invalid('is not a cursor this API returned');
  if (s !== sort) throw invalid(`was made for sort=${s}; start again without a cursor to sort by ${sort}`);
  if (!KEY_FORMATS[sort].test(k)) throw invalid('is not a cursor this API returned');
  return { sortKey: k, userId: u };
}

function invalid(message: string): AppError {
  return AppError.invalidInput('The cursor cannot be used for this search', [{ path: 'query.cursor', message }]);
}
