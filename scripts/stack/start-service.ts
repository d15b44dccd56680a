import { mkdir, rm } from 'node:fs/promises';
import { LOOPBACK } from './profiles.js';
import { logPath, pidfilePath, serviceDataDir } from './paths.js';
import { isAlive } from './process/liveness.js';
import { livePidFromPidfile, removePidfile, writePidfile } from './process/pidfile.js';
import { spawnDetached } from './process/spawn-detached.js';
import { stopProcess } from './process/stop-process.js';
import { canConnect } from './readiness/probes.js';
import { waitUntil } from './readiness/wait-until.js';
import type { ServiceContext, ServiceDefinition } from './services/index.js';
import { appendStartMarker, tailOfLatestRun } from './util/log-file.js';

export type StartOutcome = 'started' | 'already-running';

type BaseContext = Omit<ServiceContext, 'dataDir'>;

function failure(service: ServiceDefinition, ctx: BaseContext, reason: string): Error {
  const log = logPath(ctx.dirs, service.name);
  return new Error(`${service.name}: ${reason}\n--- last lines of ${log} ---\n${tailOfLatestRun(log)}`);
}

/** A server we did not start must not be mistaken for ours, nor make ours fail obscurely. */
async function assertPortsFree(service: ServiceDefinition, ctx: BaseContext): Promise<void> {
  for (const port of service.ports(ctx.profile)) {
    if (await canConnect(port, LOOPBACK)) {
      throw new Error(`${service.name}: port ${port} is already in use by a process this stack did not start (no live pidfile)`);
    }
  }
}

/**
 * Brings one service up, or recognises that it already is: a live process behind its pidfile
 * that answers the readiness check. Anything else behind the pidfile is cleaned up first.
 */
export async function startService(
  service: ServiceDefinition,
  ctx: BaseContext,
  readyTimeoutMs: number = service.readyTimeoutMs,
): Promise<StartOutcome> {
  const executable = await service.provision(ctx.root, ctx.log);
  const pidfile = pidfilePath(ctx.dirs, service.name);
  const dataDir = serviceDataDir(ctx.dirs, service.name);
  const full: ServiceContext = { ...ctx, dataDir };

  const runningPid = livePidFromPidfile(pidfile, executable);
  if (runningPid !== undefined) {
    // It may still be starting (another `up` a moment ago), so give it the usual time.
    const ready = await waitUntil(() => service.isReady(ctx.root, ctx.profile), { timeoutMs: readyTimeoutMs });
    if (!ready.ok) throw failure(service, ctx, `pid ${runningPid} is running but ${ready.reason}; run \`stack down\` and retry`);
    await service.afterReady?.(full);
    return 'already-running';
  }

  await assertPortsFree(service, ctx);
  if (!ctx.profile.keepsData) await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  await service.prepare?.(full);

  const launch = await service.launch(full, executable);
  const logFile = logPath(ctx.dirs, service.name);
  appendStartMarker(logFile, `${service.name} (${ctx.profile.name})`);
  const child = await spawnDetached(launch, logFile);
  writePidfile(pidfile, child.pid);

  const ready = await waitUntil(() => service.isReady(ctx.root, ctx.profile), {
    timeoutMs: readyTimeoutMs,
    abortReason: () => {
      const exit = child.exited();
      if (!exit && isAlive(child.pid)) return undefined;
      return `exited during start-up (${exit?.signal ?? `code ${exit?.code ?? 'unknown'}`})`;
    },
  });
  if (!ready.ok) {
    await stopProcess(child.pid, service.stopSignal, 5_000).catch(() => undefined);
    removePidfile(pidfile);
    throw failure(service, ctx, ready.reason);
  }
  try {
    await service.afterReady?.(full);
  } catch (error) {
    throw failure(service, ctx, `started but its set-up failed: ${(error as Error).message}`);
  }
  return 'started';
}
