import { chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stackProfile, type ProfileName, type ServiceName } from './profiles.js';
import { profileDirs, type ProfileDirs } from './paths.js';
import { forgetHandover, handedOver, otherLeaseHolders, releaseLease, setHandedOver, takeLease } from './process/leases.js';
import { withProfileLock } from './process/profile-lock.js';
import { silent, type StackLog } from './log.js';
import { selectServices } from './select-services.js';
import { SERVICES } from './services/index.js';
import { startService } from './start-service.js';
import { stopLocked } from './stop-stack.js';

export interface StartStackOptions {
  /** Repository root: `.data/<profile>` and node_modules are found from here. */
  root: string;
  profile: ProfileName;
  /** Default (undefined): every service. */
  services?: readonly ServiceName[];
  log?: StackLog;
  /** Overrides each service's own readiness timeout. */
  readyTimeoutMs?: number;
}

export interface StartedStack {
  started: ServiceName[];
  alreadyRunning: ServiceName[];
  /**
   * Stops only what this call started; services that were already running stay up. While other
   * startStack callers (other processes) still use the profile, even those are left to the last
   * of them (see process/leases.ts).
   */
  stop(): Promise<void>;
}

async function ensureProfileDirs(dirs: ProfileDirs): Promise<void> {
  for (const dir of [dirs.run, dirs.logs]) await mkdir(dir, { recursive: true });
  // Postgres runs as its own account and must be able to walk down to its data folder. Best
  // effort: a folder owned by someone else keeps its mode, and postgres' own check will tell.
  for (const dir of [dirname(dirs.base), dirs.base]) await chmod(dir, 0o755).catch(() => undefined);
}

export async function startStack(options: StartStackOptions): Promise<StartedStack> {
  const dirs = profileDirs(options.root, options.profile);
  await ensureProfileDirs(dirs);
  return withProfileLock(dirs, options.log ?? silent, () => startLocked(options, dirs));
}

async function startLocked(options: StartStackOptions, dirs: ProfileDirs): Promise<StartedStack> {
  const log = options.log ?? silent;
  const profile = stackProfile(options.profile);

  const names = selectServices(options.services);
  // All at once: MinIO's slow first build overlaps everything else, and servers boot in parallel.
  const outcomes = await Promise.allSettled(
    names.map(async (name) => {
      const service = SERVICES[name];
      const outcome = await startService(service, { root: options.root, profile, dirs, log }, options.readyTimeoutMs);
      log(`${name.padEnd(12)} ${outcome === 'started' ? 'started        ' : 'already running'} ${service.address(profile)}`);
      return outcome;
    }),
  );

  const started = names.filter((_, i) => outcomes[i]?.status === 'fulfilled' && outcomes[i].value === 'started');
  const alreadyRunning = names.filter((_, i) => outcomes[i]?.status === 'fulfilled' && outcomes[i].value === 'already-running');
  forgetHandover(dirs, started);

  const errors = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
  if (errors.length > 0) {
    // All or nothing: a half-started stack would only fail later, further from the cause.
    if (started.length > 0) await stopLocked({ root: options.root, profile: options.profile, services: started, log });
    throw new Error(`stack ${options.profile}: ${errors.length} service(s) failed to start\n\n${errors.map((e) => e.message).join('\n\n')}`);
  }

  const lease = takeLease(dirs);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await withProfileLock(dirs, log, () => releaseAndStop(options, dirs, lease, started));
  };
  return { started, alreadyRunning, stop };
}

/** stop() of one startStack call; see process/leases.ts for why it may hand services over instead. */
async function releaseAndStop(options: StartStackOptions, dirs: ProfileDirs, lease: string, started: ServiceName[]): Promise<void> {
  const log = options.log ?? silent;
  releaseLease(dirs, lease);
  const others = otherLeaseHolders(dirs);
  if (others.length > 0) {
    if (started.length > 0) log(`leaving ${started.join(', ')} running for pid ${others.join(', ')}, which still use(s) the ${options.profile} stack`);
    setHandedOver(dirs, [...handedOver(dirs), ...started]);
    return;
  }
  const services = [...new Set([...started, ...handedOver(dirs)])];
  setHandedOver(dirs, []);
  if (services.length > 0) await stopLocked({ root: options.root, profile: options.profile, services, log });
}
