import { runCommand } from '../util/run-command.js';
import { which } from '../util/which.js';
import type { StackLog } from '../log.js';

/** Debian's binary lives in /usr/bin, which a trimmed PATH (cron, some CI shells) may lack. */
const SYSTEM_DIRS = ['/usr/bin', '/usr/local/bin', '/usr/sbin'];

export function findRedisServer(): string | undefined {
  return which('redis-server', SYSTEM_DIRS);
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

async function aptInstallRedis(log: StackLog): Promise<void> {
  // Noninteractive: no debconf prompt can hang an unattended run. Debian's package may start its
  // own redis on 6379; our stacks never use that port, so that server does not matter to us.
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): ReturnType<typeof runCommand> =>
    runCommand('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { env });
  log('installing redis-server with apt-get');
  let result = await install();
  if (result.code !== 0) {
    // A fresh machine has no package lists yet: "Unable to locate package".
    log('apt-get install failed; running apt-get update and trying again');
    const update = await runCommand('apt-get', ['update'], { env });
    if (update.code !== 0) throw new Error(`apt-get update failed:\n${update.output.trim()}`);
    result = await install();
  }
  if (result.code !== 0) throw new Error(`apt-get install redis-server failed:\n${result.output.trim()}`);
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
