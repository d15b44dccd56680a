/**
 * The `Attention` search attribute on the test stack's Temporal: registered from the one list when
 * it is there (the stack registers that list at start), or by name until the list carries it.
 */
import type { Connection } from '@temporalio/client';
import { expect } from 'vitest';
import proto from '@temporalio/proto';
import { BOOKING_SEARCH_ATTRIBUTES } from '../../../scripts/stack/search-attributes.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;

export async function ensureAttentionAttribute(connection: Connection, namespace: string): Promise<void> {
  const type = (BOOKING_SEARCH_ATTRIBUTES as Record<string, string>).Attention ?? 'Keyword';
  expect(type).toBe('Keyword');
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  if (customAttributes && 'Attention' in customAttributes) return;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { Attention: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD } });
  } catch (error) {
    // Another test file may have registered it a moment ago.
    if (!/already exists/i.test((error as Error).message)) throw error;
  }
}
