/**
 * 3. API reads under fixed-rate HTTP load, 10,000 tutors seeded (bench/search/seed.ts): tutor
 * search with filters, one tutor's slots, a student's booking list, GET /api/bookings/{id};
 * open-loop requests at fixed rates (bench/lib/fixed-rate-load.ts, a process of its own) against the
 * real API (its own process) and, in the same run, against a bare Koa hello-world (its own process
 * too); one scenario at a time.
 */
import path from 'node:path';
import { loadConfig } from '../../domain/config.js';
import { freePort } from '../../scripts/stack/util/free-port.js';
import { seedTutors } from '../search/seed.js';
import { bearer, startApi } from '../lib/api.js';
import { benchStack } from '../lib/bench-stack.js';
import type { PartContext } from '../lib/context.js';
import { onStop, spawnEntry } from '../lib/processes.js';
import { FixedRateLoad, type LoadResult } from '../lib/fixed-rate-load.js';

interface Scenario {
  name: string;
  url: string;
  headers?: Record<string, string>;
}

function load(generator: FixedRateLoad, scenario: Scenario, rate: number, seconds: number): Promise<LoadResult> {
  // Enough sockets that a slow answer does not hold back the next due request.
  return generator.run({ url: scenario.url, headers: scenario.headers ?? {}, rate, seconds, connections: Math.max(50, Math.ceil(rate / 2)), timeoutMs: 10_000 });
}

export async function runReads(ctx: PartContext): Promise<void> {
  const { say, options } = ctx;
  const logDir = path.join(ctx.logDir, 'reads');
  const stack = await benchStack('reads');
  const config = loadConfig(stack.env);
  say(`[reads] seeding ${options.tutors} tutors`);
  await seedTutors(stack.db, options.tutors);
  // Fresh statistics, and autovacuum of the new rows done before the first scenario rather than during it.
  await stack.db.raw('vacuum analyze');
  const { student_id: studentId, id: bookingId } = (await stack.db.raw(`select student_id, id from bookings order by student_id, session_start limit 1`)).rows[0];
  const { user_id: tutorId } = (await stack.db.raw(`select user_id from tutor_profiles tp where published and exists (select 1 from availability_rules r where r.tutor_id = tp.user_id) order by user_id limit 1`)).rows[0];
  const auth = await bearer(config, studentId, 'student');

  const barePort = await freePort();
  const [api, bare] = await Promise.all([
    startApi(ctx.root, logDir, stack.env),
    spawnEntry('bare-koa', path.join(ctx.root, 'bench', 'bare', 'koa.ts'), { root: ctx.root, logDir, env: { PATH: process.env.PATH ?? '', PORT: String(barePort) } }),
  ]);
  await bare.waitForLine('bare koa listening', 60_000);
  const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 8 * 86_400_000).toISOString().slice(0, 10);
  const scenarios: Scenario[] = [
    { name: 'tutor search (subject, language, min rating; by rating)', url: `${api.baseUrl}/api/tutors?subject=math&language=en&minRating=4&sort=rating&limit=20` },
    { name: 'slots of one tutor (8 days, viewer in New York)', url: `${api.baseUrl}/api/tutors/${tutorId}/slots?from=${from}&to=${to}&timeZone=America/New_York` },
    { name: "a student's booking list", url: `${api.baseUrl}/api/bookings`, headers: { Authorization: auth } },
    { name: 'GET /api/bookings/{id}', url: `${api.baseUrl}/api/bookings/${bookingId}`, headers: { Authorization: auth } },
  ];
  const generator = FixedRateLoad.start();
  onStop('load generator', async () => generator.stop());
  const bareScenario: Scenario = { name: 'bare Koa hello-world', url: `http://127.0.0.1:${barePort}/` };

  // One short warm-up each (JIT, pools, plans), checked for 2xx so a broken route is not measured.
  for (const scenario of [bareScenario, ...scenarios]) {
    const response = await fetch(scenario.url, { headers: scenario.headers ?? {} });
    if (!response.ok) throw new Error(`${scenario.name}: ${response.status} ${await response.text()}`);
    await load(generator, scenario, 50, 2);
  }

  const measured: Record<string, Record<number, LoadResult>> = {};
  for (const rate of options.rates) {
    const bareResult = await load(generator, bareScenario, rate, options.readSeconds);
    (measured[bareScenario.name] ??= {})[rate] = bareResult;
    say(`[reads] ${rate} rps  bare Koa: p50 ${bareResult.p50} ms, p90 ${bareResult.p90} ms, p99 ${bareResult.p99} ms, ${bareResult.errors} errors, generator lag p99 ${bareResult.sendLagP99} ms`);
    for (const scenario of scenarios) {
      const result = await load(generator, scenario, rate, options.readSeconds);
      (measured[scenario.name] ??= {})[rate] = result;
      say(`[reads] ${rate} rps  ${scenario.name}: p50 ${result.p50} ms, p90 ${result.p90} ms, p99 ${result.p99} ms, ${result.errors} errors of ${result.requests}, ${result.achievedRps.toFixed(0)} rps achieved, generator lag p99 ${result.sendLagP99} ms`);
      ctx.rows.push(
        { part: 'reads', measure: `${rate} rps ${scenario.name}: p50`, value: result.p50, unit: 'ms', baseline: { name: 'bare p50', value: bareResult.p50 } },
        {
          part: 'reads',
          measure: `${rate} rps ${scenario.name}: p99 (${result.errors} errors / ${result.requests}; achieved ${result.achievedRps.toFixed(0)} rps)`,
          value: result.p99,
          unit: 'ms',
          baseline: { name: 'bare p99', value: bareResult.p99 },
          ...(rate >= 500 ? { target: { text: 'p99 < 25 ms at 500 rps', met: result.p99 < 25 && result.errors === 0 } } : {}),
        },
      );
    }
  }
  ctx.details.reads = { tutors: options.tutors, seconds: options.readSeconds, measured };
}
