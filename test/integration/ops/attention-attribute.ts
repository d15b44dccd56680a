/**
 * The `Attention` search attribute on the test stack's Temporal. The stack registers the whole list
 * when it starts the server; a test stack started before the attribute joined the list lacks it.
 */
import type { Connection } from '@temporalio/client';
import { expect } from 'vitest';
import proto from '@temporalio/proto';
import { BOOKING_SEARCH_ATTRIBUTES } from '../../../scripts/stack/search-attributes.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;

export async function ensureAttentionAttribute(connection: Connection, namespace: string): Promise<void> {
  expect(BOOKING_SEARCH_ATTRIBUTES.Attention).toBe('Keyword');
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  if (customAttributes && 'Attention' in customAttributes) return;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { Attention: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD } });
  } catch (error) {
    // Another test file may have registered it a moment ago.
    if (!/already exists/i.test((error as Error).message)) throw error;
  }
}
