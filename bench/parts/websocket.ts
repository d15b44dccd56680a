/**
 * 4. WebSocket fan-out: sockets over two realtime instances (realtime server processes) sharing
 * Redis; each pair is a student on one instance and a tutor on the other with a conversation;
 * messages at a fixed overall rate (message.send → message.new at the peer, through Postgres and
 * Redis), and presence changes (presence.set → presence at the follower). Baseline: a bare `ws`
 * echo server with the same number of sockets and the same message rate, in the same run.
 * Memory per connection: each server's RSS after the sockets connected, less before, per socket.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { loadConfig } from '../../domain/config.js';
import { freePort } from '../../scripts/stack/util/free-port.js';
import { bearer } from '../lib/api.js';
import { benchStack } from '../lib/bench-stack.js';
import type { PartContext } from '../lib/context.js';
import { realtimeEntry } from '../lib/entries.js';
import { sleep, spawnEntry, type Child } from '../lib/processes.js';
import { summarize } from '../lib/stats.js';

const CONNECT_BATCH = 100;
const CONNECT_TIMEOUT_MS = 180_000;
/** Presence changes per second over all tutors, beside the messages. */
const PRESENCE_RATE = 20;

type Handler = (event: { type: string; [key: string]: unknown }) => void;

/** Opens `urls.length` sockets, CONNECT_BATCH at a time; resolves with those that opened (and, for the app, got `ready`). */
async function openAll(targets: { url: string; protocols?: string[]; onEvent?: Handler }[], waitReady: boolean, deadline: number, progress: (n: number) => void): Promise<(WebSocket | undefined)[]> {
  const sockets: (WebSocket | undefined)[] = new Array(targets.length);
  for (let i = 0; i < targets.length && Date.now() < deadline; i += CONNECT_BATCH) {
    await Promise.all(
      targets.slice(i, i + CONNECT_BATCH).map(
        (target, j) =>
          new Promise<void>((resolve) => {
            const socket = new WebSocket(target.url, target.protocols);
            const timer = setTimeout(() => {
              socket.terminate();
              resolve();
            }, 30_000);
            const opened = () => {
              clearTimeout(timer);
              sockets[i + j] = socket;
              resolve();
            };
            socket.on('error', () => {
              clearTimeout(timer);
              resolve();
            });
            socket.on('message', (data) => {
              const event = JSON.parse(String(data)) as { type: string };
              if (waitReady && event.type === 'ready') opened();
              target.onEvent?.(event);
            });
            if (!waitReady) socket.on('open', opened);
          }),
      ),
    );
    progress(Math.min(targets.length, i + CONNECT_BATCH));
  }
  return sockets;
}

const STAGE_METRICS = ['tutorflow_ws_message_send_seconds', 'tutorflow_ws_fanout_lag_seconds', 'tutorflow_db_pool_acquire_seconds', 'tutorflow_ws_heartbeat_seconds'];

type Buckets = Map<string, Map<number, number>>;

/** The cumulative bucket counts of the stage histograms, summed over the instances. */
async function scrapeStages(metricsPorts: readonly number[]): Promise<Buckets> {
  const buckets: Buckets = new Map();
  for (const port of metricsPorts) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text()).catch(() => '');
    for (const [, name, labels, count] of text.matchAll(/^(\w+)_bucket\{([^}]*)\} (\S+)$/gm)) {
      if (!STAGE_METRICS.includes(name!)) continue;
      const le = /le="([^"]+)"/.exec(labels!)![1]!;
      const other = labels!.replace(/,?le="[^"]+",?/, '').replace(/^\w+="([^"]*)"$/, '$1');
      const key = other ? `${name} ${other}` : name!;
      const series = buckets.get(key) ?? new Map<number, number>();
      buckets.set(key, series);
      const bound = le === '+Inf' ? Infinity : Number(le);
      series.set(bound, (series.get(bound) ?? 0) + Number(count));
    }
  }
  return buckets;
}

/**
 * p50 / p99 / count of what the stage histograms took in between two scrapes: the upper bound of
 * the bucket holding the quantile ("≤ 5 ms"), enough to say which stage holds the tail.
 */
function stageQuantiles(before: Buckets, after: Buckets): { lines: string[]; quantiles: Record<string, { count: number; p50: string; p99: string; max: string }> } {
  const quantiles: Record<string, { count: number; p50: string; p99: string; max: string }> = {};
  const lines: string[] = [];
  const show = (bound: number | undefined) => (bound === undefined ? '-' : bound === Infinity ? '> top bucket' : `≤ ${bound * 1000} ms`);
  for (const [key, series] of after) {
    const sorted = [...series.entries()].map(([bound, count]) => [bound, count - (before.get(key)?.get(bound) ?? 0)] as const).sort((a, b) => a[0] - b[0]);
    const total = sorted.at(-1)?.[1] ?? 0;
    if (total === 0) continue;
    const quantile = (q: number) => sorted.find(([, cumulative]) => cumulative >= q * total)?.[0];
    const entry = { count: total, p50: show(quantile(0.5)), p99: show(quantile(0.99)), max: show(quantile(1)) };
    quantiles[key] = entry;
    lines.push(`${key.replace('tutorflow_', '')}: n ${total}, p50 ${entry.p50}, p99 ${entry.p99}, max ${entry.max}`);
  }
  return { lines, quantiles };
}

function closeAll(sockets: readonly (WebSocket | undefined)[]): void {
  for (const socket of sockets) socket?.terminate();
}

/** Sends `send(i)` at `rate` per second for `seconds`, in ticks of 10 ms (a fixed schedule, not closed-loop). */
async function atRate(rate: number, seconds: number, send: (i: number) => void): Promise<number> {
  const began = performance.now();
  let sent = 0;
  const total = Math.round(rate * seconds);
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - began) / 1000) * rate));
    while (sent < due) send(sent++);
    await sleep(10);
  }
  return sent;
}

export async function runWebSocket(ctx: PartContext): Promise<void> {
  const { say, options } = ctx;
  const logDir = path.join(ctx.logDir, 'websocket');
  const pairs = Math.floor(options.sockets / 2);
  const stack = await benchStack('websocket', { LOG_LEVEL: 'warn', REALTIME_RATE_LIMIT: '100/second', REALTIME_RATE_BURST: '200' });
  const config = loadConfig(stack.env);

  // Pairs: a student and a tutor with a conversation; written in bulk.
  await stack.db.raw(`insert into users (email, role, display_name, time_zone) select 'ws-student-' || g || '@example.test', 'student', 'Student ' || g, 'UTC' from generate_series(1, ?) g`, [pairs]);
  await stack.db.raw(`insert into users (email, role, display_name, time_zone) select 'ws-tutor-' || g || '@example.test', 'tutor', 'Tutor ' || g, 'UTC' from generate_series(1, ?) g`, [pairs]);
  await stack.db.raw(`
    insert into conversations (student_id, tutor_id)
    select s.id, t.id from
      (select id, row_number() over (order by email) n from users where email like 'ws-student-%') s
      join (select id, row_number() over (order by email) n from users where email like 'ws-tutor-%') t using (n)`);
  const rows = (await stack.db.raw(`select id, student_id, tutor_id from conversations order by student_id`)).rows as { id: string; student_id: string; tutor_id: string }[];
  const tokens = await Promise.all(rows.flatMap((row) => [bearer(config, row.student_id, 'student'), bearer(config, row.tutor_id, 'tutor')]));

  // Two realtime instances sharing Redis and Postgres.
  const ports = [await freePort(), await freePort()];
  // Each instance's Prometheus endpoint: after messaging, its stage histograms say where a message waited.
  const metricsPorts = [await freePort(), await freePort()];
  const instances: Child[] = [];
  for (const [index, port] of ports.entries()) {
    const env = { ...stack.env, LOG_LEVEL: 'info', REALTIME_PORT: String(port), METRICS_PORT: String(metricsPorts[index]) };
    instances.push(await spawnEntry(`realtime-${index + 1}`, realtimeEntry(ctx.root), { root: ctx.root, logDir, memoryProbe: true, env }));
  }
  await Promise.all(instances.map((instance) => instance.waitForLine('"realtime listening"', 120_000)));
  await sleep(2_000);
  const rssBefore = await Promise.all(instances.map((instance) => instance.rss()));

  // Who waits for what: message latency by clientMessageId, presence latency by tutor id.
  const messageSent = new Map<string, number>();
  const presenceSent = new Map<string, number>();
  const messageLatencies: { sentAt: number; ms: number }[] = [];
  const presenceLatencies: number[] = [];
  // The sender's ack comes after the commit on the sender's instance: delivery minus ack is the fan-out.
  const ackPending = new Map<string, number>();
  const ackLatencies: number[] = [];
  const onEvent: Handler = (event) => {
    if (event.type === 'message.new') {
      const id = (event.message as { clientMessageId: string }).clientMessageId;
      const sent = messageSent.get(id);
      if (sent !== undefined) {
        messageLatencies.push({ sentAt: sent, ms: performance.now() - sent });
        messageSent.delete(id);
      }
    } else if (event.type === 'message.ack') {
      const id = event.clientMessageId as string;
      const sent = ackPending.get(id);
      if (sent !== undefined) {
        ackLatencies.push(performance.now() - sent);
        ackPending.delete(id);
      }
    } else if (event.type === 'presence') {
      const sent = presenceSent.get(event.userId as string);
      if (sent !== undefined) {
        presenceLatencies.push(performance.now() - sent);
        presenceSent.delete(event.userId as string);
      }
    }
  };
  const began = Date.now();
  const targets = rows.flatMap((_, i) => [0, 1].map((side) => ({ url: `ws://127.0.0.1:${ports[side]}/ws`, protocols: ['tutorflow.v1', `bearer.${tokens[i * 2 + side]!.slice('Bearer '.length)}`], onEvent })));
  const sockets = await openAll(targets, true, began + CONNECT_TIMEOUT_MS, (n) => n % 1000 === 0 && say(`[websocket]   app sockets ready: ${n}/${targets.length}`));
  const open = sockets.filter(Boolean).length;
  const connectS = (Date.now() - began) / 1000;
  say(`[websocket] ${open}/${targets.length} app sockets ready in ${connectS.toFixed(1)} s${open < targets.length ? ' — the rest did not fit (timeouts or refusals)' : ''}`);
  await sleep(3_000);
  const rssAfter = await Promise.all(instances.map((instance) => instance.rss()));
  const perConnectionKiB = rssAfter.reduce((sum, rss, i) => sum + (rss - rssBefore[i]!), 0) / Math.max(1, open) / 1024;

  // Each student follows its tutor's presence.
  rows.forEach((row, i) => sockets[i * 2]?.send(JSON.stringify({ type: 'presence.subscribe', userIds: [row.tutor_id] })));
  await sleep(3_000);

  // Messages, both ways, at the fixed overall rate; presence changes beside them.
  const livePairs = rows.map((row, i) => ({ row, student: sockets[i * 2], tutor: sockets[i * 2 + 1] })).filter((p) => p.student && p.tutor);
  // Where a late delivery waits: each realtime process's event loop, and this process's (the clients).
  for (const instance of instances) instance.markLoop();
  const stagesBefore = await scrapeStages(metricsPorts);
  const clientLoop = monitorEventLoopDelay({ resolution: 10 });
  clientLoop.enable();
  // When the heartbeat's pings hit, as the clients see them: how many in each second of messaging.
  const messagingBegan = performance.now();
  const pingsPerSecond = new Map<number, number>();
  const onPing = () => {
    const second = Math.floor((performance.now() - messagingBegan) / 1000);
    pingsPerSecond.set(second, (pingsPerSecond.get(second) ?? 0) + 1);
  };
  for (const socket of sockets) socket?.on('ping', onPing);
  let presenceState = 0;
  const presenceTicker = setInterval(() => {
    for (let k = 0; k < PRESENCE_RATE / 10; k++) {
      const pair = livePairs[(presenceState++ * 7919) % livePairs.length]!;
      if (presenceSent.has(pair.row.tutor_id)) continue;
      presenceSent.set(pair.row.tutor_id, performance.now());
      pair.tutor!.send(JSON.stringify({ type: 'presence.set', status: presenceState % 2 === 0 ? 'away' : 'online' }));
    }
  }, 100);
  const sent = await atRate(options.messageRate, options.wsSeconds, (i) => {
    const pair = livePairs[i % livePairs.length]!;
    const from = Math.floor(i / livePairs.length) % 2 === 0 ? pair.student! : pair.tutor!;
    const clientMessageId = randomUUID();
    const now = performance.now();
    messageSent.set(clientMessageId, now);
    ackPending.set(clientMessageId, now);
    from.send(JSON.stringify({ type: 'message.send', conversationId: pair.row.id, clientMessageId, text: `bench message ${i}` }));
  });
  clearInterval(presenceTicker);
  await sleep(1_100);
  const loops = [
    ...(await Promise.all(instances.map(async (instance) => ({ name: instance.name, ...(await instance.memory())?.loopDelay })))),
    { name: 'bench clients', p50Ms: clientLoop.percentile(50) / 1e6, p99Ms: clientLoop.percentile(99) / 1e6, maxMs: clientLoop.max / 1e6 },
  ];
  clientLoop.disable();
  for (const loop of loops) say(`[websocket] event-loop delay while messaging, ${loop.name}: p50 ${loop.p50Ms?.toFixed(1)} ms, p99 ${loop.p99Ms?.toFixed(1)} ms, max ${loop.maxMs?.toFixed(1)} ms`);
  await sleep(3_900);
  const undelivered = messageSent.size;
  const messages = summarize(messageLatencies.map((m) => m.ms));
  const acks = summarize(ackLatencies);
  const presence = summarize(presenceLatencies);
  const stages = stageQuantiles(stagesBefore, await scrapeStages(metricsPorts));
  for (const line of stages.lines) say(`[websocket] server side while messaging (both instances, bucket bounds): ${line}`);
  // Do the slow ones bunch up in time (a heartbeat round, a GC, a burst) or spread out?
  const at = (t: number) => ((t - messagingBegan) / 1000).toFixed(1);
  const pingsTotal = [...pingsPerSecond.values()].reduce((sum, count) => sum + count, 0);
  const pingBurst = [...pingsPerSecond].reduce((top, [second, count]) => (count > top.count ? { second, count } : top), { second: -1, count: 0 });
  const slowest = [...messageLatencies].sort((a, b) => b.ms - a.ms).slice(0, Math.max(1, Math.ceil(messageLatencies.length / 100)));
  const slowSeconds = [...new Set(slowest.map((m) => at(m.sentAt)))].sort((a, b) => Number(a) - Number(b));
  say(`[websocket] ack (sender's instance: checks + insert committed) p50 ${acks.p50.toFixed(1)} ms, p99 ${acks.p99.toFixed(1)} ms; slowest 1% of deliveries (≥ ${slowest.at(-1)?.ms.toFixed(0)} ms) sent at s ${slowSeconds.join(', ')}; pings received per second at most ${pingBurst.count} (s ${pingBurst.second}), ${pingsTotal} in all`);
  sockets.forEach((socket) => socket?.off('ping', onPing));
  say(`[websocket] app: ${messages.count}/${sent} messages delivered, p50 ${messages.p50.toFixed(1)} ms, p99 ${messages.p99.toFixed(1)} ms; presence p50 ${presence.p50.toFixed(1)} ms, p99 ${presence.p99.toFixed(1)} ms; ${perConnectionKiB.toFixed(1)} KiB per connection`);
  closeAll(sockets);
  for (const instance of instances) await instance.stop();

  // The bare baseline: the same number of sockets on an echo server, the same message rate.
  const barePort = await freePort();
  const bare = await spawnEntry('bare-ws', path.join(ctx.root, 'bench', 'bare', 'ws-echo.ts'), { root: ctx.root, logDir, env: { PATH: process.env.PATH ?? '', PORT: String(barePort) } });
  await bare.waitForLine('bare ws listening', 60_000);
  await sleep(1_000);
  const bareRssBefore = await bare.rss();
  const echoSent = new Map<string, number>();
  const echoLatencies: number[] = [];
  const onEcho: Handler = (event) => {
    const sentAt = echoSent.get(event.id as string);
    if (sentAt !== undefined) {
      echoLatencies.push(performance.now() - sentAt);
      echoSent.delete(event.id as string);
    }
  };
  const bareSockets = await openAll(Array.from({ length: open }, () => ({ url: `ws://127.0.0.1:${barePort}/`, onEvent: onEcho })), false, Date.now() + CONNECT_TIMEOUT_MS, () => undefined);
  const bareOpen = bareSockets.filter((socket): socket is WebSocket => socket !== undefined);
  await sleep(3_000);
  const barePerConnectionKiB = ((await bare.rss()) - bareRssBefore) / Math.max(1, bareOpen.length) / 1024;
  const bareSent = await atRate(options.messageRate, options.wsSeconds, (i) => {
    const id = randomUUID();
    echoSent.set(id, performance.now());
    bareOpen[i % bareOpen.length]!.send(JSON.stringify({ type: 'echo', id, text: `bench message ${i}` }));
  });
  await sleep(3_000);
  const echo = summarize(echoLatencies);
  say(`[websocket] bare echo: ${echo.count}/${bareSent} with ${bareOpen.length} sockets, p50 ${echo.p50.toFixed(1)} ms, p99 ${echo.p99.toFixed(1)} ms; ${barePerConnectionKiB.toFixed(1)} KiB per connection`);
  closeAll(bareSockets);
  await bare.stop();

  const label = `${open} sockets, ${options.messageRate} msg/s`;
  ctx.rows.push(
    { part: 'websocket', measure: `${label}: message delivery p50 (${messages.count}/${sent}; ${undelivered} undelivered)`, value: messages.p50, unit: 'ms', baseline: { name: 'echo p50', value: echo.p50 } },
    {
      part: 'websocket',
      measure: `${label}: message delivery p99`,
      value: messages.p99,
      unit: 'ms',
      baseline: { name: 'echo p99', value: echo.p99 },
      target: { text: 'p99 < 50 ms at 5,000 sockets', met: messages.p99 < 50 && open >= 5000 },
    },
    { part: 'websocket', measure: `${label}: presence change p50 (${presence.count})`, value: presence.p50, unit: 'ms', baseline: { name: 'echo p50', value: echo.p50 } },
    { part: 'websocket', measure: `${label}: presence change p99`, value: presence.p99, unit: 'ms', baseline: { name: 'echo p99', value: echo.p99 } },
    { part: 'websocket', measure: `memory per connection (RSS, both instances)`, value: perConnectionKiB, unit: 'KiB', baseline: { name: 'bare KiB', value: barePerConnectionKiB } },
    { part: 'websocket', measure: `time to connect ${open} sockets (auth at upgrade, ready)`, value: connectS, unit: 's' },
    // A loop running late delays every delivery it carries: these say which process the tail waits in.
    ...loops.map((loop) => ({ part: 'websocket' as const, measure: `${label}: event-loop delay p99 of ${loop.name} (max ${loop.maxMs?.toFixed(0)} ms)`, value: loop.p99Ms ?? 0, unit: 'ms' })),
  );
  ctx.details.websocket = { target: options.sockets, open, connectS, messages, acks, stages: stages.quantiles, pingsPerSecond: Object.fromEntries(pingsPerSecond), presence, echo, sent, undelivered, perConnectionKiB, barePerConnectionKiB, rssBefore, rssAfter, loops };
}
