/**
 * 6. How cost grows: the transition lag (1) at three sizes, and the worker's memory above idle (5)
 * at its three sizes, each with the exponent of a power-law fit (1 linear, 2 quadratic, ~0 flat).
 * Reuses this run's transitions result at the same size and the worker part's points, if they ran.
 */
import type { PartContext } from '../lib/context.js';
import { growthExponent } from '../lib/stats.js';
import { measureTransitions, type TransitionResult } from './transitions.js';

const MiB = 2 ** 20;

export async function runGrowth(ctx: PartContext): Promise<void> {
  const { say, options } = ctx;
  const earlier = ctx.details.transitions as TransitionResult | undefined;
  const results: TransitionResult[] = [];
  for (const size of options.growthSizes) {
    if (earlier && earlier.bookings === size) results.push(earlier);
    else results.push(await measureTransitions(ctx, size, `growth-${size}`));
  }
  ctx.details.growth = { transitions: results };
  for (const transition of ['expiry', 'start', 'end'] as const) {
    for (const stat of ['p50', 'p99'] as const) {
      const points = results.map((r) => ({ x: r.bookings, y: r.postgres[transition][stat] }));
      const exponent = growthExponent(points);
      say(`[growth] ${transition} lag ${stat} (Postgres): ${points.map((p) => `${p.x} → ${p.y.toFixed(0)} ms`).join(', ')}; exponent ${exponent.toFixed(2)}`);
      ctx.rows.push({
        part: 'growth',
        measure: `${transition} → Postgres lag ${stat} at ${points.map((p) => `${p.x}: ${p.y.toFixed(0)} ms`).join(', ')}; exponent (1 = linear)`,
        value: exponent,
        unit: 'exp',
      });
    }
  }
  const worker = ctx.details.worker as { idle: { rss: number }; points: { open: number; rssMiB: number; heapMiB: number }[] } | undefined;
  if (!worker) {
    say('[growth] worker memory: run the worker part in the same run for its growth');
    return;
  }
  const idleMiB = worker.idle.rss / MiB;
  const points = worker.points.map((p) => ({ x: p.open, y: p.rssMiB - idleMiB }));
  const exponent = growthExponent(points);
  say(`[growth] worker RSS above idle: ${points.map((p) => `${p.x} → ${p.y.toFixed(0)} MiB`).join(', ')}; exponent ${exponent.toFixed(2)}`);
  ctx.rows.push({ part: 'growth', measure: `worker RSS above idle at ${points.map((p) => `${p.x}: ${p.y.toFixed(0)} MiB`).join(', ')}; exponent (1 = linear)`, value: exponent, unit: 'exp' });
}
