/**
 * Before any test file: provision and start the test stack (its own ports, apart from a running dev
 * stack) plus the time-skipping server binary; after the run, stop what this run started. Services
 * someone left running (e.g. `npm run stack -- up --profile test` while iterating) are reused and
 * left alone.
 */
import { provisionTemporalTestServer, startStack } from '../../scripts/stack/index.js';
import { REPO_ROOT } from './paths.js';

export default async function setup(): Promise<() => Promise<void>> {
  const log = (line: string) => process.stdout.write(`[test stack] ${line}\n`);
  const [stack] = await Promise.all([startStack({ root: REPO_ROOT, profile: 'test', log }), provisionTemporalTestServer(log)]);
  return async () => {
    await stack.stop();
  };
}
