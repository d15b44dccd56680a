/**
 * How every process entry point (API, worker, realtime server, migrations) gets its configuration:
 * the environment, with a `.env` file in the working directory filling what is not set, parsed once.
 * A bad configuration stops the process with one message naming every bad key and exit code 78
 * (EX_CONFIG), before anything connects anywhere. This is the one place that reads process.env.
 */
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config.js';

export function configFromEnvironmentOrExit(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }
}
