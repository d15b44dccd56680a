import { LOOPBACK } from '../profiles.js';
import { goToolPath, provisionGoTool } from '../provision/go-install.js';
import { canConnect } from '../readiness/probes.js';
import type { ServiceDefinition } from './types.js';

export const stripeMockService: ServiceDefinition = {
  name: 'stripe-mock',
  ports: (p) => [p.stripeMock.httpPort, p.stripeMock.httpsPort],
  address: (p) => `http://${LOOPBACK}:${p.stripeMock.httpPort} (https ${p.stripeMock.httpsPort})`,
  executable: () => goToolPath('stripeMock'),
  provision: (_root, log) => provisionGoTool('stripeMock', log),
  launch: async (ctx, executable) => ({
    command: executable,
    // The -*-addr forms bind loopback only; the -*-port forms would listen on every interface.
    args: [
      '-http-addr', `${LOOPBACK}:${ctx.profile.stripeMock.httpPort}`,
      '-https-addr', `${LOOPBACK}:${ctx.profile.stripeMock.httpsPort}`,
    ],
  }),
  isReady: (_root, p) => canConnect(p.stripeMock.httpPort, LOOPBACK),
  stopSignal: 'SIGTERM',
  readyTimeoutMs: 30_000,
};
