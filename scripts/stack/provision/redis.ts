import { which } from '../util/which.js';
import type { StackLog } from '../log.js';
import { aptInstall, isRoot } from './apt.js';

/** Debian's binary lives in /usr/bin, which a trimmed PATH (cron, some CI shells) may lack. */
const SYSTEM_DIRS = ['/usr/bin', '/usr/local/bin', '/usr/sbin'];

export function findRedisServer(): string | undefined {
  return which('redis-server', SYSTEM_DIRS);
}

async function aptInstallRedis(log: StackLog): Promise<void> {
  // Debian's package may start its own redis on 6379; our stacks never use that port.
  await aptInstall('redis-server', log);
}

let pending: Promise<string> | undefined;

/** Path of redis-server, installing Debian's package first when it is missing (root only). */
export function provisionRedisServer(log: StackLog): Promise<string> {
  pending ??= (async () => {
    const existing = findRedisServer();
    if (existing) return existing;
    if (!isRoot()) {
      throw new Error('redis-server is not installed and only root may install it: run `sudo apt-get install -y redis-server`');
    }
    await aptInstallRedis(log);
    const installed = findRedisServer();
    if (!installed) throw new Error('apt-get installed redis-server but no redis-server binary was found');
    return installed;
  })().catch((error: unknown) => {
    pending = undefined; // let a later call try again
    throw error;
  });
  return pending;
}
