import { request } from 'node:http';
import { connect } from 'node:net';

/** Each probe gives up quickly; the caller's wait loop decides how long to keep trying. */
const PROBE_TIMEOUT_MS = 2_000;

export function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ port, host });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

export function httpStatus(url: string): Promise<number | undefined> {
  return new Promise((resolvePromise) => {
    const req = request(url, { method: 'GET', timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      resolvePromise(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolvePromise(undefined));
    req.end();
  });
}

/**
 * Redis answers an inline `PING` with `+PONG`. A raw socket keeps the probe free of a client
 * library's reconnect logic, which would blur "not up yet" into "retrying".
 */
export function redisPing(port: number, host: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ port, host });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
    socket.once('error', () => finish(false));
    socket.once('end', () => finish(false));
  });
}
