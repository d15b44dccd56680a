/**
 * Checks made at the HTTP upgrade, before any socket exists: the path, the browser's Origin, and
 * the access token. A refused upgrade gets a plain HTTP answer and its TCP socket is destroyed, so
 * nothing about the WebSocket side is ever reachable without a valid token.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROTOCOL_VERSION } from './protocol/document.js';

const BEARER_PROTOCOL_PREFIX = 'bearer.';

/**
 * The token, from (in order of preference) the `bearer.<token>` subprotocol, an Authorization
 * header, or the `access_token` query parameter.
 */
export function extractToken(request: IncomingMessage, url: URL): string | undefined {
  const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((part) => part.trim());
  const fromProtocol = offered.find((protocol) => protocol.startsWith(BEARER_PROTOCOL_PREFIX))?.slice(BEARER_PROTOCOL_PREFIX.length);
  if (fromProtocol) return fromProtocol;
  const fromHeader = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (fromHeader) return fromHeader;
  return url.searchParams.get('access_token') || undefined;
}

/** Browsers always send Origin on a WebSocket upgrade; clients without one are not browsers. */
export function originAllowed(request: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = request.headers.origin;
  return origin === undefined || allowed.includes(origin);
}

/** Only our protocol is ever selected: the bearer token offered beside it must never be echoed. */
export function selectProtocol(protocols: Set<string>): string | false {
  return protocols.has(PROTOCOL_VERSION) ? PROTOCOL_VERSION : false;
}

export function refuseUpgrade(socket: Duplex, status: number, detail: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status], status, detail });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
