/**
 * Requests Node's HTTP parser refuses before Koa sees them. The one a client can cause on purpose
 * with a well-formed request is a request line plus headers over --max-http-header-size (16 KiB):
 * Node would answer a bare 431; this answers the same status as a problem document, like every
 * other refusal. Anything else the parser refuses (malformed HTTP) gets a bare 400 and the socket
 * is closed, as Node does by default.
 */
import type { Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE } from './problem-details.js';

function answer(socket: Duplex, status: number, body?: Record<string, unknown>): void {
  const payload = body ? JSON.stringify(body) : '';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Connection: close\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      (body ? `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n` : 'Content-Length: 0\r\n') +
      `\r\n${payload}`,
  );
}

export function answerParserErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return void socket.destroy();
    if (error.code === 'HPE_HEADER_OVERFLOW') {
      answer(socket, 431, {
        type: 'urn:tutorflow:problem:request-header-fields-too-large',
        title: STATUS_CODES[431],
        status: 431,
        detail: 'The URL and headers together may be at most 16 KiB',
      });
    } else {
      answer(socket, 400);
    }
  });
}
