/**
 * Tutor search benchmark: seeds 10,000 tutors into a scratch database on the TEST stack's Postgres,
 * runs representative searches through the real service and repositories, prints p50/p95
 * latencies, and the EXPLAIN (ANALYZE, BUFFERS) plans of the main page queries.
 *
 *   tsx scripts/stack/cli.ts up --profile test   # once
 *   tsx bench/search/run.ts [--tutors 10000] [--runs 50]
 *
 * Not a test: it asserts nothing and prints figures.
 */
import { parseArgs } from 'node:util';
import { AvailabilityRepository } from '../../db/repositories/availability-repository.js';
import { BookedTimeRepository } from '../../db/repositories/booked-time-repository.js';
import { type SearchFilters, type SearchSort, TutorSearchRepository } from '../../db/repositories/tutor-search-repository.js';
import { addDays, dateOfWallEpoch } from '../../domain/availability/local-date.js';
import { ScheduleLoader } from '../../services/availability/schedule-loader.js';
import { SlotService } from '../../services/availability/slot-service.js';
import { type TutorSearchQuery, TutorSearchService } from '../../services/search/tutor-search-service.js';
import { createTestDatabase } from '../../test/support/database.js';
import { seedTutors } from './seed.js';

const { values: args } = parseArgs({ options: { tutors: { type: 'string', default: '10000' }, runs: { type: 'string', default: '50' } } });
const TUTORS = Number(args.tutors);
const RUNS = Number(args.runs);

/** The next Tuesday at least three days away, 10:00–13:00 UTC: inside most seeded tutors' weekday hours. */
function freeWindow(): { freeFrom: Date; freeTo: Date } {
  let date = addDays(dateOfWallEpoch(Date.now()), 3);
  while (new Date(`${date}T00:00:00Z`).getUTCDay() !== 2) date = addDays(date, 1);
  return { freeFrom: new Date(`${date}T10:00:00Z`), freeTo: new Date(`${date}T13:00:00Z`) };
}

const base: TutorSearchQuery = { verifiedOnly: false, sort: 'relevance', limit: 20 };
const { freeFrom, freeTo } = freeWindow();

const SCENARIOS: { name: string; query: TutorSearchQuery; pageDepth?: number }[] = [
  { name: 'relevance, no filter, page 1', query: base },
  { name: 'relevance, no filter, page 10 (keyset)', query: base, pageDepth: 10 },
  { name: 'subject=math (+children), price_asc', query: { ...base, subject: 'math', sort: 'price_asc' } },
  { name: 'subject=math.algebra, language=es, relevance', query: { ...base, subject: 'math.algebra', language: 'es' } },
  { name: 'language=en (+en-GB), minRating=4, rating', query: { ...base, language: 'en', minRating: 4, sort: 'rating' } },
  { name: 'currency=USD, 20.00–40.00, price_asc', query: { ...base, currency: 'USD', minPrice: 2000, maxPrice: 4000, sort: 'price_asc' } },
  { name: 'verifiedOnly, newest', query: { ...base, verifiedOnly: true, sort: 'newest' } },
  { name: 'free Tue 10:00–13:00 UTC, relevance', query: { ...base, freeFrom, freeTo } },
  { name: 'free Tue 10:00–13:00 UTC, subject=music, price_asc', query: { ...base, subject: 'music', freeFrom, freeTo, sort: 'price_asc' } },
];

const EXPLAINED: { name: string; filters: SearchFilters; sort: SearchSort }[] = [
  { name: 'relevance, no filter', filters: { verifiedOnly: false }, sort: 'relevance' },
  { name: 'subject=math (+children), price_asc', filters: { subjectIds: ['math', 'math.arithmetic', 'math.algebra', 'math.geometry', 'math.calculus', 'math.statistics'] }, sort: 'price_asc' },
  { name: 'subject=math.algebra, language=es, relevance (two selective semi-joins)', filters: { subjectIds: ['math.algebra'], language: 'es' }, sort: 'relevance' },
  { name: 'language=en, minRating=4, rating', filters: { language: 'en', minRating: 4 }, sort: 'rating' },
  { name: 'currency=USD, 20.00–40.00, price_asc', filters: { currency: 'USD', minPriceMinor: 2000, maxPriceMinor: 4000 }, sort: 'price_asc' },
  { name: 'verifiedOnly, newest', filters: { verifiedOnly: true }, sort: 'newest' },
  {
    name: 'free-window candidates (pre-filter), relevance, one batch (60 for limit=20)',
    filters: { mayBeFree: { weekdays: [1, 2, 3], fromDate: addDays(dateOfWallEpoch(freeFrom.getTime()), -1), toDate: addDays(dateOfWallEpoch(freeTo.getTime()), 1) } },
    sort: 'relevance',
  },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const scratch = await createTestDatabase();
  try {
    const db = scratch.db;
    let startedAt = performance.now();
    await seedTutors(db, TUTORS);
    const counts = await db.raw(`
      select (select count(*) from tutor_profiles) as tutors, (select count(*) from tutor_profiles where published) as published,
             (select count(*) from tutor_subjects) as subjects, (select count(*) from tutor_languages) as languages,
             (select count(*) from availability_rules) as rules, (select count(*) from bookings) as bookings`);
    console.log(`seeded in ${Math.round(performance.now() - startedAt)} ms:`, counts.rows[0]);

    const searchRepository = new TutorSearchRepository(db);
    const schedules = new ScheduleLoader(new AvailabilityRepository(db), new BookedTimeRepository(db));
    const search = new TutorSearchService(searchRepository, schedules);

    console.log(`\nlatency over ${RUNS} runs each (after 5 warm-up runs), in ms; one request = page query + batch reads`);
    console.log('scenario'.padEnd(58), 'items', '   p50', '   p95', '   max');
    for (const scenario of SCENARIOS) {
      let query = scenario.query;
      for (let page = 1; page < (scenario.pageDepth ?? 1); page += 1) {
        const result = await search.find(query);
        query = { ...query, cursor: result.nextCursor ?? undefined };
      }
      let items = 0;
      const timings: number[] = [];
      for (let run = 0; run < RUNS + 5; run += 1) {
        startedAt = performance.now();
        const result = await search.find(query);
        const elapsed = performance.now() - startedAt;
        if (run >= 5) timings.push(elapsed);
        items = result.items.length;
      }
      timings.sort((a, b) => a - b);
      const format = (ms: number) => ms.toFixed(1).padStart(6);
      console.log(scenario.name.padEnd(58), String(items).padStart(5), format(percentile(timings, 50)), format(percentile(timings, 95)), format(timings[timings.length - 1]!));
    }

    // One tutor's slots over the longest range a client may ask for.
    const slots = new SlotService(schedules);
    const [{ user_id: tutorId }] = (await db.raw(`select tp.user_id from tutor_profiles tp where published and time_zone = 'Europe/Berlin' and exists (select 1 from availability_rules r where r.tutor_id = tp.user_id) limit 1`)).rows;
    const from = addDays(dateOfWallEpoch(Date.now()), 1);
    const slotTimings: number[] = [];
    let slotCount = 0;
    for (let run = 0; run < RUNS + 5; run += 1) {
      startedAt = performance.now();
      const list = await slots.list(undefined, tutorId, { from, to: addDays(from, 30), timeZone: 'America/New_York' });
      if (run >= 5) slotTimings.push(performance.now() - startedAt);
      slotCount = list.slots.length;
    }
    slotTimings.sort((a, b) => a - b);
    console.log('slots of one tutor, 31 days, viewer in another zone'.padEnd(58), String(slotCount).padStart(5), percentile(slotTimings, 50).toFixed(1).padStart(6), percentile(slotTimings, 95).toFixed(1).padStart(6), slotTimings[slotTimings.length - 1]!.toFixed(1).padStart(6));

    for (const explained of EXPLAINED) {
      const { sql, bindings } = searchRepository.pageQuery(explained.filters, explained.sort, null, explained.name.includes('batch') ? 60 : 21).toSQL();
      const plan = await db.raw(`explain (analyze, buffers, costs off) ${sql}`, bindings as never);
      console.log(`\n=== EXPLAIN (ANALYZE, BUFFERS): ${explained.name}`);
      for (const row of plan.rows as { 'QUERY PLAN': string }[]) console.log(row['QUERY PLAN']);
    }
    // A deep keyset page: the same plan starts from the cursor instead of scanning past earlier pages.
    const page = await searchRepository.page({}, 'price_asc', null, 2000);
    const last = page[page.length - 1]!;
    const { sql, bindings } = searchRepository.pageQuery({}, 'price_asc', { sortKey: last.sortKey, userId: last.userId }, 21).toSQL();
    const plan = await db.raw(`explain (analyze, buffers, costs off) ${sql}`, bindings as never);
    console.log('\n=== EXPLAIN (ANALYZE, BUFFERS): price_asc after 2,000 tutors (keyset)');
    for (const row of plan.rows as { 'QUERY PLAN': string }[]) console.log(row['QUERY PLAN']);
  } finally {
    await scratch.drop();
  }
}

await main();
