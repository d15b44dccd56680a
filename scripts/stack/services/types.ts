import type { ServiceName, StackProfile } from '../profiles.js';
import type { ProfileDirs } from '../paths.js';
import type { DetachedLaunch } from '../process/spawn-detached.js';
import type { StackLog } from '../log.js';

/** What a service needs to know to prepare and launch itself for one profile. */
export interface ServiceContext {
  root: string;
  profile: StackProfile;
  dirs: ProfileDirs;
  /** This service's own data folder; exists (and is empty for a non-persistent profile). */
  dataDir: string;
  log: StackLog;
}

/**
 * One local server, described once and driven by the generic lifecycle in ../start-service.ts and ../stop-stack.ts
 * (provision, launch detached, wait for readiness, stop by pidfile).
 */
export interface ServiceDefinition {
  name: ServiceName;
  /** Every port it binds; all must be free before it starts. */
  ports(profile: StackProfile): number[];
  /** Human-readable address for `stack up` / `stack status`. */
  address(profile: StackProfile): string;
  /** Where its binary is expected; used to recognise our process behind a pidfile. */
  executable(root: string): string;
  /** Installs the binary when missing and returns its path. */
  provision(root: string, log: StackLog): Promise<string>;
  /** One-off work before the first start, e.g. initdb. Runs on every start; must be idempotent. */
  prepare?(ctx: ServiceContext): Promise<void>;
  launch(ctx: ServiceContext, executable: string): Promise<DetachedLaunch>;
  /** Answers true once the server accepts real work, not merely once its port is open. */
  isReady(root: string, profile: StackProfile): Promise<boolean>;
  /** Idempotent set-up that needs the running server: app role and database, bucket. */
  afterReady?(ctx: ServiceContext): Promise<void>;
  /** The signal that makes this server shut down cleanly. */
  stopSignal: NodeJS.Signals;
  readyTimeoutMs: number;
}
