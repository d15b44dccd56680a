import { runCommand } from '../util/run-command.js';
import type { StackLog } from '../log.js';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** `apt-get install -y <name>`, running `apt-get update` first only when the package lists are missing. */
export async function aptInstall(name: string, log: StackLog): Promise<void> {
  // Noninteractive: no debconf prompt can hang an unattended run.
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): ReturnType<typeof runCommand> => runCommand('apt-get', ['install', '-y', '--no-install-recommends', name], { env });
  log(`installing ${name} with apt-get`);
  let result = await install();
  if (result.code !== 0) {
    // A fresh machine has no package lists yet: "Unable to locate package".
    log('apt-get install failed; running apt-get update and trying again');
    const update = await runCommand('apt-get', ['update'], { env });
    if (update.code !== 0) throw new Error(`apt-get update failed:\n${update.output.trim()}`);
    result = await install();
  }
  if (result.code !== 0) throw new Error(`apt-get install ${name} failed:\n${result.output.trim()}`);
}
