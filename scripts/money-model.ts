/**
 * The model-based money tests (test/workflow/money-model.test.ts) with a budget of your choosing,
 * for a night run or to reproduce a failure:
 *
 *   npm run test:money-model -- --runs 2000
 *   npm run test:money-model -- --seed -1155324332 --path "17:0:0"   # the line a failure printed
 *
 * It starts the test stack like `npm test` does (through vitest's global setup) and stops it after.
 */
import { spawnSync } from 'node:child_process';

const USAGE = 'usage: npm run test:money-model -- [--runs N] [--seed N] [--path P]';
const env: Record<string, string> = {};
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const [flag, value] = [args[i], args[i + 1]];
  const key = { '--runs': 'MONEY_MODEL_RUNS', '--seed': 'MONEY_MODEL_SEED', '--path': 'MONEY_MODEL_PATH' }[flag ?? ''];
  if (!key || value === undefined || (key !== 'MONEY_MODEL_PATH' && !/^-?\d+$/.test(value))) {
    console.error(USAGE);
    process.exit(2);
  }
  env[key] = value;
  i++;
}
const result = spawnSync('vitest', ['run', 'test/workflow/money-model.test.ts'], { stdio: 'inherit', env: { ...process.env, ...env } });
process.exit(result.status ?? 1);
