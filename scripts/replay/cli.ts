/**
 * Replays a workflow's history against the current workflow code: the check to run before a deploy
 * that touches workflows/, and the first step in fixing a booking whose workflow task fails.
 *
 *   npm run replay -- <workflowId> [--run-id id] [--address host:port] [--namespace ns] [--save file.json] [--bundle file.js]
 *   npm run replay -- --file history.json [--bundle file.js]
 *
 * The history comes from the Temporal server (TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE from the
 * configuration unless given) or from a JSON file (saved with --save, downloaded from the Web UI, or
 * `temporal workflow show --output json`). The code is the workflow sources as they are now, or a
 * prebuilt bundle (--bundle dist/workflow-bundle.js: exactly what a deploy would run).
 *
 * Prints OK, or the first event the code disagrees with and the workflow task to reset to.
 * Exit codes: 0 replays, 1 does not replay (or cannot be fetched), 2 bad usage or configuration.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, DefaultLogger, makeTelemetryFilterString, Runtime, type WorkflowBundleOption } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../../domain/config.js';
import { WORKFLOWS_ENTRY } from '../../workers/workflow-source.js';
import { readHistory, writeHistory } from './histories.js';
import { formatOutcome, replayHistory } from './replay-history.js';

const USAGE = `usage: tsx scripts/replay/cli.ts <workflowId> [--run-id id] [--address host:port] [--namespace ns] [--save file.json] [--bundle file.js]
       tsx scripts/replay/cli.ts --file history.json [--bundle file.js]`;

class UsageError extends Error {}

interface Invocation {
  workflowId?: string;
  runId?: string;
  address?: string;
  namespace?: string;
  save?: string;
  file?: string;
  bundle?: string;
}

function parseInvocation(argv: string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'run-id': { type: 'string' },
        address: { type: 'string' },
        namespace: { type: 'string' },
        save: { type: 'string' },
        file: { type: 'string' },
        bundle: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length > 1) throw new UsageError(`one workflow id at a time, got ${positionals.join(' ')}`);
  const [workflowId] = positionals;
  if (!workflowId && !values.file) throw new UsageError('give a workflow id, or --file with a saved history');
  if (values.file && (values.address || values.namespace || values['run-id'])) throw new UsageError('--file replays a saved history: --address, --namespace and --run-id do not apply');
  return {
    ...(workflowId ? { workflowId } : {}),
    ...(values['run-id'] ? { runId: values['run-id'] } : {}),
    ...(values.address ? { address: values.address } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(values.save ? { save: values.save } : {}),
    ...(values.file ? { file: values.file } : {}),
    ...(values.bundle ? { bundle: values.bundle } : {}),
  };
}

/** The server to read from: the flags, else the app's own configuration (with .env, as the worker reads it). */
function serverOf(invocation: Invocation): { address: string; namespace: string } {
  if (invocation.address && invocation.namespace) return { address: invocation.address, namespace: invocation.namespace };
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { temporal } = loadConfig(process.env);
  return { address: invocation.address ?? temporal.address, namespace: invocation.namespace ?? temporal.namespace };
}

async function fetchHistory(server: { address: string; namespace: string }, workflowId: string, runId: string | undefined): Promise<History> {
  const connection = await Connection.connect({ address: server.address, connectTimeout: '5s' });
  try {
    const handle = new Client({ connection, namespace: server.namespace }).workflow.getHandle(workflowId, runId);
    const description = await handle.describe();
    const history = await handle.fetchHistory();
    console.log(`${workflowId} (run ${description.runId}, ${description.status.name}) from ${server.address}/${server.namespace}: ${history.events?.length ?? 0} events`);
    return history;
  } finally {
    await connection.close();
  }
}

async function workflowCode(bundle: string | undefined): Promise<WorkflowBundleOption> {
  if (bundle) {
    if (!existsSync(bundle)) throw new UsageError(`no workflow bundle at ${bundle} (npm run build writes dist/workflow-bundle.js)`);
    return { codePath: path.resolve(bundle) };
  }
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_ENTRY, logger: new DefaultLogger('WARN') });
}

async function main(argv: string[]): Promise<number> {
  const invocation = parseInvocation(argv);
  // The replay worker's own chatter (and one warning per failed replay while the divergence is
  // located) would bury the answer.
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });

  let history: History;
  let workflowId: string;
  let server: { address: string; namespace: string } | undefined;
  if (invocation.file) {
    history = readHistory(invocation.file);
    workflowId = invocation.workflowId ?? path.basename(invocation.file, '.json');
    console.log(`${workflowId} from ${invocation.file}: ${history.events?.length ?? 0} events`);
  } else {
    workflowId = invocation.workflowId!;
    server = serverOf(invocation);
    history = await fetchHistory(server, workflowId, invocation.runId);
  }
  if (invocation.save) {
    await writeHistory(invocation.save, history);
    console.log(`saved to ${invocation.save}`);
  }

  const outcome = await replayHistory({ workflowBundle: await workflowCode(invocation.bundle), workflowId }, history);
  console.log(formatOutcome(workflowId, outcome));
  if (!outcome.ok && server && outcome.divergence?.resetEventId !== undefined) {
    console.log(
      `  to let this code take over from that task (after deploying it), reset the workflow:\n` +
        `    temporal workflow reset --address ${server.address} --namespace ${server.namespace} --workflow-id ${workflowId} --event-id ${outcome.divergence.resetEventId} --reason "<why>"`,
    );
  }
  return outcome.ok ? 0 : 1;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || error instanceof ConfigError) {
    console.error(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(`replay: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
