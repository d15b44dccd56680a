import { SERVICE_NAMES, stackProfile, type ProfileName, type ServiceName } from './profiles.js';
import { logPath, pidfilePath, profileDirs } from './paths.js';
import { livePidFromPidfile } from './process/pidfile.js';
import { SERVICES } from './services/index.js';

export interface ServiceStatus {
  service: ServiceName;
  /** unresponsive: its process is alive but fails the readiness check. */
  state: 'running' | 'stopped' | 'unresponsive';
  pid?: number;
  ports: number[];
  address: string;
  logFile: string;
}

export async function stackStatus(options: { root: string; profile: ProfileName }): Promise<ServiceStatus[]> {
  const profile = stackProfile(options.profile);
  const dirs = profileDirs(options.root, options.profile);
  return Promise.all(
    SERVICE_NAMES.map(async (name): Promise<ServiceStatus> => {
      const service = SERVICES[name];
      const pid = livePidFromPidfile(pidfilePath(dirs, name), service.executable(options.root));
      const base = { service: name, ports: service.ports(profile), address: service.address(profile), logFile: logPath(dirs, name) };
      if (pid === undefined) return { ...base, state: 'stopped' };
      const ready = await service.isReady(options.root, profile).catch(() => false);
      return { ...base, state: ready ? 'running' : 'unresponsive', pid };
    }),
  );
}
