import { describe, expect, it } from 'vitest';
import { AppError } from '../../domain/errors.js';
import { decodeCursor, encodeCursor } from './search-cursor.js';

const position = { sortKey: '2026-03-29T07:00:00.123456Z', userId: '0b7d6b9c-52c4-4f8e-9a49-8f0f5a3e9d11' };

describe('search cursors', () => {
  it('round-trip the position, opaquely', () => {
    const cursor = encodeCursor('newest', position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'newest')).toEqual(position);
  });

  it('refuse a cursor of another sort, and junk', () => {
    const cursor = encodeCursor('newest', position);
    expect(() => decodeCursor(cursor, 'price_asc')).toThrow(/cannot be used/);
    for (const junk of ['', 'not-base64!', Buffer.from('{"s":"newest"}').toString('base64url'), encodeCursor('price_asc', { sortKey: '1; drop', userId: position.userId })]) {
      const sort = junk.length > 30 ? 'price_asc' : 'newest';
      expect(() => decodeCursor(junk, sort), junk).toThrow(AppError);
    }
  });
});
