/**
 * Reads a request's body as the exact bytes sent, for routes that verify a signature over them
 * (the JSON body parser is skipped for those routes: re-serialized JSON would not verify).
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../../../domain/errors.js';

export async function readRawBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request) {
    received += (chunk as Buffer).length;
    // Stop reading (and buffering) as soon as the limit is passed, whatever Content-Length said.
    if (received > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limitBytes: number): AppError {
  return new AppError('payload_too_large', `The body may be at most ${limitBytes} bytes`);
}
