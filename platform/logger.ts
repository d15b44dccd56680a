import { pino, type Logger } from 'pino';
import type { Config } from '../domain/config.js';

/** JSON lines in every environment; people read them through pino-pretty in development. */
export function createLogger(config: Pick<Config, 'logLevel' | 'environment'>, name: string): Logger {
  return pino({
    name,
    level: config.logLevel,
    base: { service: name, environment: config.environment },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secret'], censor: '[redacted]' },
  });
}
