/**
 * The demo seed's weekly series (scripts/demo-data): with the stack's Temporal it gives the demo
 * student a series with a tutor who answers requests, whose first week the worker books at once;
 * a second run adds none.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SeriesRepository } from '../../../db/repositories/series-repository.js';
import { UserRepository } from '../../../db/repositories/user-repository.js';
import { createStripeClient } from '../../../integrations/stripe.js';
import { DEMO_SERIES, DEMO_STUDENT } from '../../../scripts/demo-data/demo-people.js';
import { seedDemo } from '../../../scripts/demo-data/demo.js';
import { eventually } from '../../support/booking-stack.js';
import { startSeriesStack } from './series-stack.js';

let stack: Awaited<ReturnType<typeof startSeriesStack>>;
beforeAll(async () => {
  stack = await startSeriesStack();
}, 60_000);
afterAll(() => stack?.close());

it('seeds a weekly series for the demo student, booked week by week by the worker, once', async () => {
  const { db, temporal } = stack.api.container.resources;
  const seed = () => seedDemo({ config: stack.api.config, db, stripe: createStripeClient(stack.api.config.stripe), logger: pino({ level: 'silent' }), temporal: temporal.client });
  const first = await seed();
  expect(first.changes.some((change) => change.startsWith('weekly series'))).toBe(true);

  const studentId = (await new UserRepository(db).findByEmail(DEMO_STUDENT.email))!.id;
  const tutorId = (await new UserRepository(db).findByEmail(DEMO_SERIES.tutorEmail))!.id;
  const series = new SeriesRepository(db);
  const [seeded] = await series.listFor(studentId, 'student', 10);
  expect(seeded).toMatchObject({ tutorId, weeks: DEMO_SERIES.weeks, lengthMinutes: DEMO_SERIES.lengthMinutes, status: 'active' });
  const weeks = await eventually(() => series.weeks(seeded!.id), (rows) => rows[0]!.status !== 'upcoming');
  expect(weeks[0]).toMatchObject({ status: 'booked' });
  expect(weeks).toHaveLength(DEMO_SERIES.weeks);

  const second = await seed();
  expect(second.changes.filter((change) => change.startsWith('weekly series'))).toEqual([]);
  expect(await series.listFor(studentId, 'student', 10)).toHaveLength(1);
});
