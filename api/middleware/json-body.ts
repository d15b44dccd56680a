/**
 * The JSON body parser, with its failures as client errors: a body whose Content-Encoding (gzip,
 * deflate, br) does not decode is refused with 415, not left to surface as a zlib error (a 500).
 * Routes that verify a signature over the exact bytes (Stripe webhooks) read the body themselves.
 */
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { AppError } from '../../domain/errors.js';
import type { AppState } from '../context.js';

interface StreamError extends Error {
  status?: number;
  code?: string;
}

export function jsonBody(options: { limit: string; rawBodyPaths: Set<string> }): Middleware<AppState> {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: options.limit, encoding: 'utf-8' });
  return async (ctx, next) => {
    if (options.rawBodyPaths.has(ctx.path)) return next();
    let parsed = false;
    try {
      await parse(ctx, async () => {
        parsed = true;
      });
    } catch (error) {
      const encoding = ctx.get('Content-Encoding').trim().toLowerCase();
      const failure = error as StreamError;
      // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR, ERR_BROTLI_…) carry a code and no HTTP status.
      if (encoding && encoding !== 'identity' && failure.status === undefined) {
        throw new AppError('unsupported_media_type', `The body is not valid ${encoding}-encoded data`, { cause: error });
      }
      throw error;
    }
    if (parsed) await next();
  };
}
