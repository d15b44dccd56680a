/**
 * The search-attribute registration scripts of docker-compose.yml (temporal-setup) and of the
 * Kubernetes Job, run as they are with sh and the real Temporal CLI against the test stack's
 * Temporal server: afterwards the namespace has every attribute of the one list with its type,
 * and a second run succeeds too (the jobs run on every start or deploy).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { binaries } from '../../../scripts/stack/provision/index.js';
import { stackEnv } from '../../../scripts/stack/env.js';
import { REPO_ROOT } from '../../support/paths.js';
import { EXPECTED_SEARCH_ATTRIBUTES } from './deploy-support.js';
import { containersOf, renderKustomization } from './kustomize.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const TYPE_NAMES: Record<number, string> = { [IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]: 'Keyword', [IndexedValueType.INDEXED_VALUE_TYPE_DATETIME]: 'Datetime' };
const ADDRESS = stackEnv('test').TEMPORAL_ADDRESS!;
const run = promisify(execFile);

let connection: Connection;
let cliDirectory: string;

/** Runs a job's script with `temporal` on the PATH, as the admin-tools image has it. */
function runScript(script: string, env: Record<string, string>) {
  return run('sh', ['-c', script], { env: { PATH: `${cliDirectory}:${process.env.PATH}`, HOME: process.env.HOME ?? '/tmp', TEMPORAL_ADDRESS: ADDRESS, ...env }, timeout: 60_000 });
}

async function registered(namespace: string): Promise<Record<string, string>> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  return Object.fromEntries(Object.entries(customAttributes ?? {}).map(([name, type]) => [name, TYPE_NAMES[type] ?? String(type)]));
}

beforeAll(async () => {
  cliDirectory = path.dirname(binaries(REPO_ROOT).temporal);
  connection = await Connection.connect({ address: ADDRESS });
});
afterAll(() => connection?.close());

describe('search attribute registration jobs', () => {
  it("compose's temporal-setup registers the list on its namespace, and can run again", async () => {
    const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { command: string[]; environment: Record<string, string> }> };
    const setup = compose.services['temporal-setup']!;
    // Compose turns $$ into $ before the shell sees the script.
    const script = setup.command.join('\n').replaceAll('$$', '$');
    const env = { NAMESPACE: setup.environment.NAMESPACE!, SEARCH_ATTRIBUTES: setup.environment.SEARCH_ATTRIBUTES! };
    for (let round = 0; round < 2; round++) {
      const { stdout } = await runScript(script, env);
      expect(stdout).toContain('search attribute Attention');
    }
    expect(await registered(env.NAMESPACE)).toMatchObject(EXPECTED_SEARCH_ATTRIBUTES);
  });

  it('the Kubernetes Job creates a missing namespace and registers the list on it, and can run again', async () => {
    const job = renderKustomization(path.join(REPO_ROOT, 'deploy/k8s/overlays/production')).find((object) => object.kind === 'Job' && object.metadata.name === 'temporal-search-attributes')!;
    const [container] = containersOf(job) as { command: string[]; args: string[]; env: { name: string; value?: string }[] }[];
    expect(container!.command).toEqual(['/bin/sh', '-c']);
    const namespace = `deploy-test-${randomUUID().slice(0, 8)}`;
    const env = { TEMPORAL_NAMESPACE: namespace, SEARCH_ATTRIBUTES: container!.env.find((variable) => variable.name === 'SEARCH_ATTRIBUTES')!.value! };
    for (let round = 0; round < 2; round++) await runScript(container!.args.join('\n'), env);
    expect(await registered(namespace)).toEqual(EXPECTED_SEARCH_ATTRIBUTES);
  });
});
