import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ProfileName, ServiceName } from './profiles.js';

/**
 * Where pinned tools are installed: shared by every checkout on the machine, so a second clone
 * (or CI's fresh clone) does not download or compile them again. scripts/bootstrap.sh always
 * exports TUTORFLOW_CACHE (resolving XDG_CACHE_HOME there); the home fallback covers direct calls.
 */
export function cacheRoot(): string {
  const configured = process.env.TUTORFLOW_CACHE;
  return configured ? resolve(configured) : join(homedir(), '.cache', 'tutorflow');
}

/** `<cache>/<name>-<version>`: one directory per pinned version, complete or absent. */
export function cacheDirFor(name: string, version: string): string {
  return join(cacheRoot(), `${name}-${version}`);
}

export interface ProfileDirs {
  /** `<repo>/.data/<profile>` (gitignored). */
  base: string;
  run: string;
  logs: string;
}

export function profileDirs(root: string, profile: ProfileName): ProfileDirs {
  const base = join(resolve(root), '.data', profile);
  return { base, run: join(base, 'run'), logs: join(base, 'logs') };
}

export function pidfilePath(dirs: ProfileDirs, service: ServiceName): string {
  return join(dirs.run, `${service}.pid`);
}

export function logPath(dirs: ProfileDirs, service: ServiceName): string {
  return join(dirs.logs, `${service}.log`);
}

/** Each service keeps its state in its own folder so it can be wiped alone. */
export function serviceDataDir(dirs: ProfileDirs, service: ServiceName): string {
  return join(dirs.base, service);
}
