import { SearchAttributeType } from '@temporalio/common';
import { expect, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from './definitions.js';
import { BOOKING_SEARCH_ATTRIBUTES } from './search-attributes.js';

const TYPE_NAMES: Record<string, string> = { [SearchAttributeType.KEYWORD]: 'Keyword', [SearchAttributeType.DATETIME]: 'Datetime' };

it('types every search attribute the workflow sets exactly as the one registered list says', () => {
  const typed = Object.fromEntries(Object.values(SEARCH_ATTRIBUTES).map((key) => [key.name, TYPE_NAMES[key.type]]));
  expect(typed).toEqual(BOOKING_SEARCH_ATTRIBUTES);
});
