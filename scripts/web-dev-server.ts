/**
 * The web app under Vite with hot reload, proxying the API's paths and the WebSocket to the API,
 * for `npm run dev`. Vite serves on localhost:5173, FRONTEND_BASE_URL's default: the emails' links
 * and Stripe's onboarding return pages land on it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { apiProxy, stripeFakeDefines } from '../web/vite.config.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface WebDevServer {
  url: string;
  close(): Promise<void>;
}

/** `stripeFakeUrl`: the local Stripe proxy, whose hosted pages play 3-D Secure and card saving in the browser. */
export async function startWebDevServer(apiBase: string, options: { stripeFakeUrl?: string } = {}): Promise<WebDevServer> {
  const server = await createServer({
    configFile: path.join(ROOT, 'web/vite.config.ts'),
    server: { proxy: apiProxy(apiBase) },
    ...(options.stripeFakeUrl ? { define: stripeFakeDefines(options.stripeFakeUrl) } : {}),
    clearScreen: false,
    logLevel: 'warn',
  });
  await server.listen();
  const url = (server.resolvedUrls?.local[0] ?? 'http://localhost:5173/').replace(/\/$/, '');
  return { url, close: () => server.close() };
}
