import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Config } from '../domain/config.js';
import { activeTraceIds } from '../integrations/telemetry/trace-ids.js';

/** JSON lines in every environment; people read them through pino-pretty in development. */
export function createLogger(config: Pick<Config, 'logLevel' | 'environment'>, name: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name,
    level: config.logLevel,
    base: { service: name, environment: config.environment },
    // The trace of the request or activity a line belongs to (nothing while tracing is off).
    mixin: () => activeTraceIds() ?? {},
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secret'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
