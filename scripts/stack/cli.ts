/**
 * Local infrastructure CLI.
 *
 *   tsx scripts/stack/cli.ts up|down|status|provision [--profile dev|test|bench] [service...]
 *
 * `up` returns once every service answers; the servers keep running detached until `down`.
 * Exit codes: 0 success, 1 a service failed (or, for status, is not running), 2 bad usage.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  isProfileName,
  isServiceName,
  provisionAll,
  SERVICE_NAMES,
  stackEnv,
  stackStatus,
  startStack,
  stopStack,
  type ProfileName,
  type ServiceName,
} from './index.js';

const COMMANDS = ['up', 'down', 'status', 'provision'] as const;
type Command = (typeof COMMANDS)[number];

const USAGE = `usage: tsx scripts/stack/cli.ts ${COMMANDS.join('|')} [--profile dev|test|bench] [service...]
services: ${SERVICE_NAMES.join(', ')}`;

class UsageError extends Error {}

interface Invocation {
  command: Command;
  profile: ProfileName;
  services: ServiceName[];
}

function parseArgs(argv: string[]): Invocation {
  const [command, ...rest] = argv;
  if (!command || !(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command: ${command ?? '(none)'}`);
  let profile: ProfileName = 'dev';
  const services: ServiceName[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const inlineProfile = arg.startsWith('--profile=') ? arg.slice('--profile='.length) : undefined;
    if (arg === '--profile' || inlineProfile !== undefined) {
      const value = inlineProfile ?? rest[++i] ?? '';
      if (!isProfileName(value)) throw new UsageError(`unknown profile: ${value}`);
      profile = value;
    } else if (isServiceName(arg)) {
      services.push(arg);
    } else {
      throw new UsageError(`unknown argument: ${arg}`);
    }
  }
  return { command: command as Command, profile, services };
}

// The bootstrap script exports TUTORFLOW_CACHE; honour XDG_CACHE_HOME when called without it,
// so the library itself only ever reads TUTORFLOW_CACHE.
if (!process.env.TUTORFLOW_CACHE && process.env.XDG_CACHE_HOME) {
  process.env.TUTORFLOW_CACHE = join(process.env.XDG_CACHE_HOME, 'tutorflow');
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const say = (line: string): void => console.log(line);
const elapsed = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function main(invocation: Invocation): Promise<number> {
  const { command, profile } = invocation;
  // No service named on the command line means all of them.
  const services = invocation.services.length > 0 ? invocation.services : undefined;
  const began = Date.now();
  switch (command) {
    case 'provision': {
      const paths = await provisionAll(root, say);
      for (const [name, path] of Object.entries(paths)) say(`${name.padEnd(20)} ${path}`);
      say(`provisioned in ${elapsed(began)}`);
      return 0;
    }
    case 'up': {
      say(`starting the ${profile} stack`);
      const result = await startStack({ root, profile, services, log: say });
      say(`${profile} stack ready in ${elapsed(began)} (started: ${result.started.join(', ') || 'none'}; already running: ${result.alreadyRunning.join(', ') || 'none'})`);
      for (const [name, value] of Object.entries(stackEnv(profile))) say(`  ${name}=${value}`);
      return 0;
    }
    case 'down': {
      const result = await stopStack({ root, profile, services, log: say });
      say(`${profile} stack down (stopped: ${result.stopped.join(', ') || 'none'}; not running: ${result.notRunning.join(', ') || 'none'})`);
      return 0;
    }
    case 'status': {
      const statuses = await stackStatus({ root, profile });
      const shown = statuses.filter((s) => !services || services.includes(s.service));
      for (const s of shown) {
        say(`${s.service.padEnd(12)} ${s.state.padEnd(12)} ${s.pid !== undefined ? `pid ${s.pid}`.padEnd(11) : ''.padEnd(11)} ${s.address}`);
      }
      return shown.every((s) => s.state === 'running') ? 0 : 1;
    }
  }
}

let invocation: Invocation;
try {
  invocation = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
main(invocation).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
