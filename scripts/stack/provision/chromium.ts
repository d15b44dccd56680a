import { which } from '../util/which.js';
import type { StackLog } from '../log.js';
import { aptInstall, isRoot } from './apt.js';

/**
 * Debian's `chromium` drives the browser tests through playwright-core: Playwright's own browser
 * download cannot work on a machine without the internet, and the distribution's build needs none.
 */
const SYSTEM_DIRS = ['/usr/bin', '/usr/local/bin'];

export function findChromium(): string | undefined {
  return which('chromium', SYSTEM_DIRS);
}

let pending: Promise<string> | undefined;

/** Path of Debian's chromium, installing the package first when it is missing (root only). */
export function provisionChromium(log: StackLog): Promise<string> {
  pending ??= (async () => {
    const existing = findChromium();
    if (existing) return existing;
    if (!isRoot()) throw new Error('chromium is not installed and only root may install it: run `sudo apt-get install -y chromium`');
    await aptInstall('chromium', log);
    const installed = findChromium();
    if (!installed) throw new Error('apt-get installed chromium but no chromium binary was found');
    return installed;
  })().catch((error: unknown) => {
    pending = undefined; // let a later call try again
    throw error;
  });
  return pending;
}
