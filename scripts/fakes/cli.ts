/**
 * `tsx scripts/fakes/cli.ts [--port 4510]`: the local fakes of Brevo and Google (see this folder),
 * on loopback only, until Ctrl-C. scripts/dev.ts starts it beside the API.
 */
import { parseArgs } from 'node:util';
import { startFakes } from './index.js';

const DEFAULT_PORT = 4510;

const { values } = parseArgs({ options: { port: { type: 'string', default: String(DEFAULT_PORT) } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a port number, not "${values.port}"`);
  process.exit(64); // EX_USAGE
}

const fakes = await startFakes({ port, host: '127.0.0.1' });
console.log(`fakes listening on ${fakes.url}`);
for (const [key, value] of Object.entries(fakes.env)) console.log(`  ${key}=${value}`);
console.log(`  inspect: ${fakes.url}/_fake/brevo/messages   queue a Google identity: POST ${fakes.url}/_fake/google/users`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    fakes.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
