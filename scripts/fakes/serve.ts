/**
 * The local fakes as long-running servers for docker-compose's `dev` profile (and anyone who wants
 * them on another address than `npm run dev` uses):
 *
 *   tsx scripts/fakes/serve.ts fakes [--port 4510] [--host 127.0.0.1]
 *       Brevo, Zoom, Google and Google Calendar fakes (this folder); GET /_fake/health
 *   tsx scripts/fakes/serve.ts stripe-proxy --upstream http://stripe-mock:12111 [--port 12112] [--host 127.0.0.1]
 *       the stateful Stripe proxy in front of stripe-mock (stripe-proxy.ts)
 *
 * Loopback by default; a container passes --host 0.0.0.0 so other containers reach it.
 */
import { parseArgs } from 'node:util';
import { startFakes } from './index.js';
import { startStripeProxy } from './stripe-proxy.js';

const USAGE = 'usage: tsx scripts/fakes/serve.ts fakes|stripe-proxy [--port N] [--host address] [--upstream url (stripe-proxy)]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' }, upstream: { type: 'string' } },
});
const [which] = positionals;
const port = Number(values.port ?? (which === 'stripe-proxy' ? 12112 : 4510));
if ((which !== 'fakes' && which !== 'stripe-proxy') || !Number.isInteger(port) || port < 0 || port > 65_535 || (which === 'stripe-proxy' && !values.upstream)) {
  console.error(USAGE);
  process.exit(64); // EX_USAGE
}

const server =
  which === 'fakes'
    ? await startFakes({ port, host: values.host })
    : await startStripeProxy({
        upstream: values.upstream!,
        port,
        host: values.host,
        onRequest: (call) => console.log(`${call.method} ${call.path}${call.idempotencyKey ? ` key ${call.idempotencyKey}` : ''}`),
      });
console.log(`${which} listening on ${server.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
