/**
 * The booking activities, built from injected clients so tests and the worker wire them the same way.
 */
import { log } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { BookingActivities, TransitionRecord } from './types.js';

export interface BookingActivityDependencies {
  db: Knex;
}

export function createBookingActivities(_deps: BookingActivityDependencies): BookingActivities {
  return {
    async recordTransition(record: TransitionRecord): Promise<void> {
      log.info('booking transition', { ...record });
    },
  };
}
