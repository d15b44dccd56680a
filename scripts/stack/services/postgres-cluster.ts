import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackProfile } from '../profiles.js';
import type { RunAs } from '../provision/postgres.js';
import { runOrThrow } from '../util/run-command.js';

/** The cluster lives in a subfolder so the service folder can hold the initdb scratch dir beside it. */
export function clusterDir(dataDir: string): string {
  return join(dataDir, 'pgdata');
}

/** Hands a folder we (maybe root) created to the account postgres runs as. */
export async function giveTo(path: string, runAs: RunAs | undefined): Promise<void> {
  if (runAs) await chown(path, runAs.uid, runAs.gid);
}

/**
 * Creates the cluster once. initdb fills a scratch folder that is renamed into place only when it
 * succeeded, so an interrupted initdb is redone instead of leaving a cluster postgres can't start.
 */
export async function initCluster(binDir: string, dataDir: string, p: StackProfile, runAs: RunAs | undefined): Promise<void> {
  const target = clusterDir(dataDir);
  if (existsSync(join(target, 'PG_VERSION'))) return;
  await rm(target, { recursive: true, force: true });

  const scratch = join(dataDir, 'pgdata.initdb-tmp');
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { mode: 0o700 });
  await giveTo(scratch, runAs);

  // initdb reads the superuser password from a file; it must be readable by the postgres account.
  const secretDir = await mkdtemp(join(tmpdir(), 'tutorflow-initdb-'));
  const pwfile = join(secretDir, 'pw');
  try {
    await writeFile(pwfile, `${p.postgres.adminPassword}\n`, { mode: 0o600 });
    await giveTo(secretDir, runAs);
    await giveTo(pwfile, runAs);
    await runOrThrow(join(binDir, 'initdb'), [
      `--pgdata=${scratch}`,
      `--username=${p.postgres.adminUser}`,
      `--pwfile=${pwfile}`,
      // Passwords on every connection, socket included: the ports are shared with every local user.
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      // A fixed C locale: identical sorting everywhere, and no dependence on installed locales.
      '--no-locale',
      '--no-instructions',
    ], runAs ?? {});
  } finally {
    await rm(secretDir, { recursive: true, force: true });
  }
  await rename(scratch, target);
}
