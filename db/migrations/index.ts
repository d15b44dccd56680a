/**
 * The ordered list of migrations. Listing them in code (instead of letting knex scan a folder)
 * works the same under tsx, compiled JavaScript and inside a container, and makes the order explicit.
 * Add new migrations at the end; never rename or reorder one that has shipped.
 */
import type { Knex } from 'knex';
import * as m0001 from './0001_extensions.js';
import * as m0002 from './0002_users.js';
import * as m0300 from './0300_bookings.js';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export const MIGRATIONS: Record<string, Migration> = {
  '0001_extensions': m0001,
  '0002_users': m0002,
  '0300_bookings': m0300,
};
