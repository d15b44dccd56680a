/**
 * A tiny private HTTP listener for operational endpoints (/metrics, /healthz, /readyz), apart from
 * the public API port so it can stay on a private address.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

export interface EndpointAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type EndpointRoutes = Record<string, () => Promise<EndpointAnswer>>;

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** Serves each GET route on host:port (port 0 = any free port). */
export async function startMetricsServer(host: string, port: number, routes: EndpointRoutes, logger: Logger): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    const route = request.method === 'GET' ? routes[new URL(request.url ?? '/', 'http://localhost').pathname] : undefined;
    if (!route) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    route().then(
      ({ status, contentType, body }) => response.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics endpoint failed');
        response.writeHead(500, { 'Content-Type': 'text/plain' }).end('error\n');
      },
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

