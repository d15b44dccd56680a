/**
 * The dev profile's fakes as docker-compose runs them: each service's command (the host and port
 * swapped for a free loopback port, the upstream for the test stack's stripe-mock), then its
 * healthcheck exactly as written, which must pass against it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { stackEnv } from '../../../scripts/stack/env.js';
import { REPO_ROOT } from '../../support/paths.js';

interface Service {
  command: string[];
  healthcheck: { test: string[] };
}
const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { maxAliasCount: 1000 }) as { services: Record<string, Service> };
const run = promisify(execFile);
const started: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  return port;
}

function option(command: string[], name: string): string {
  return command[command.indexOf(name) + 1]!;
}

/** Starts the service's command on loopback; resolves once it says it listens. */
async function start(command: string[], port: number): Promise<void> {
  const args = command.slice(1).map((arg, index, all) => {
    if (all[index - 1] === '--host') return '127.0.0.1';
    if (all[index - 1] === '--port') return String(port);
    if (all[index - 1] === '--upstream') return stackEnv('test').STRIPE_API_BASE!;
    return arg;
  });
  const child = spawn(path.join(REPO_ROOT, command[0]!), args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  let output = '';
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited with ${code}: ${output}`)));
  });
}

/** The healthcheck as compose runs it, with the service's port swapped. */
function healthcheck(test: string[], fromPort: string, toPort: number) {
  const swap = (text: string) => text.replaceAll(`127.0.0.1:${fromPort}`, `127.0.0.1:${toPort}`);
  if (test[0] === 'CMD-SHELL') return run('sh', ['-c', swap(test[1]!)], { timeout: 20_000 });
  const [executable, ...args] = test.slice(1).map(swap);
  return run(executable === 'node' ? process.execPath : executable!, args, { timeout: 20_000 });
}

afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode !== null) continue;
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

describe('the dev profile fakes, as compose runs them', () => {
  it.each(['fakes', 'stripe-proxy'])('%s starts and passes its healthcheck', async (name) => {
    const service = compose.services[name]!;
    const port = await freePort();
    await start(service.command, port);
    await expect(healthcheck(service.healthcheck.test, option(service.command, '--port'), port)).resolves.toBeDefined();
  }, 60_000);

  it('fails a healthcheck when nothing answers', async () => {
    const service = compose.services.fakes!;
    await expect(healthcheck(service.healthcheck.test, option(service.command, '--port'), await freePort())).rejects.toMatchObject({ code: 1 });
  });
});
