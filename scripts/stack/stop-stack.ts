import { existsSync } from 'node:fs';
import type { ProfileName, ServiceName } from './profiles.js';
import { pidfilePath, profileDirs } from './paths.js';
import { forgetHandover } from './process/leases.js';
import { livePidFromPidfile, removePidfile } from './process/pidfile.js';
import { withProfileLock } from './process/profile-lock.js';
import { stopProcess } from './process/stop-process.js';
import { silent, type StackLog } from './log.js';
import { selectServices } from './select-services.js';
import { SERVICES } from './services/index.js';

export interface StopStackOptions {
  root: string;
  profile: ProfileName;
  services?: readonly ServiceName[];
  log?: StackLog;
}

export interface StopResult {
  stopped: ServiceName[];
  notRunning: ServiceName[];
}

/** Stops services by pidfile. Idempotent: a service that is not running is simply reported so. */
export async function stopStack(options: StopStackOptions): Promise<StopResult> {
  const dirs = profileDirs(options.root, options.profile);
  if (!existsSync(dirs.run)) return { stopped: [], notRunning: selectServices(options.services) };
  return withProfileLock(dirs, options.log ?? silent, () => stopLocked(options));
}

/** For callers that already hold the profile lock. */
export async function stopLocked(options: StopStackOptions): Promise<StopResult> {
  const log = options.log ?? silent;
  const dirs = profileDirs(options.root, options.profile);
  const names = selectServices(options.services);
  const results = await Promise.all(
    names.map(async (name) => {
      const service = SERVICES[name];
      const pidfile = pidfilePath(dirs, name);
      const pid = livePidFromPidfile(pidfile, service.executable(options.root));
      if (pid === undefined) return false;
      const how = await stopProcess(pid, service.stopSignal);
      removePidfile(pidfile);
      log(`${name.padEnd(12)} stopped${how === 'killed' ? ' (killed after the grace period)' : ''}`);
      return true;
    }),
  );
  forgetHandover(dirs, names);
  return { stopped: names.filter((_, i) => results[i]), notRunning: names.filter((_, i) => !results[i]) };
}
