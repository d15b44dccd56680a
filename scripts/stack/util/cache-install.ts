import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Installs into `finalDir` atomically: `install` fills a fresh temporary directory next to it,
 * which is renamed into place only once it is complete. An interrupted install therefore leaves a
 * stray `.tmp-*` folder, never a half-filled directory that a later run would trust.
 */
export async function installAtomically(finalDir: string, install: (tempDir: string) => Promise<void>): Promise<void> {
  if (existsSync(finalDir)) return;
  await mkdir(dirname(finalDir), { recursive: true });
  const tempDir = await mkdtemp(join(dirname(finalDir), `.tmp-${basename(finalDir)}-`));
  try {
    await install(tempDir);
    await chmod(tempDir, 0o755); // mkdtemp makes it private; an installed tool folder is not
    await rename(tempDir, finalDir);
  } catch (error) {
    // Another process may have finished the same install first; its result is as good as ours.
    if (!existsSync(finalDir)) throw error;
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

/**
 * One install per directory per process: concurrent callers (two services needing the same tool,
 * or provisionAll racing startStack) share the same promise instead of downloading twice.
 */
const inFlight = new Map<string, Promise<void>>();

export function installOnce(finalDir: string, install: (tempDir: string) => Promise<void>): Promise<void> {
  let pending = inFlight.get(finalDir);
  if (!pending) {
    pending = installAtomically(finalDir, install).finally(() => inFlight.delete(finalDir));
    inFlight.set(finalDir, pending);
  }
  return pending;
}
