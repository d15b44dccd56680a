import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { heapLimitCommand } from './heap-limit.js';

const HEAP_LIMIT_MODULE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'heap-limit.ts');

describe('the worker heap limit (WORKER_HEAP_LIMIT_MB)', () => {
  it('restarts with --max-old-space-size unless it is off or already given', () => {
    expect(heapLimitCommand(256, ['--import', 'tsx'], ['/node', 'workers/booking-worker.ts'])).toEqual(['/node', '--import', 'tsx', '--max-old-space-size=256', '--max-semi-space-size=16', 'workers/booking-worker.ts']);
    expect(heapLimitCommand(0, [], ['/node', 'w.js'])).toBeUndefined();
    expect(heapLimitCommand(256, ['--max-old-space-size=512'], ['/node', 'w.js'])).toBeUndefined();
    expect(heapLimitCommand(256, [], ['/node', 'w.js'], '--max-old-space-size=1024')).toBeUndefined();
  });

  it('replaces the running process (same pid, same output) with one whose V8 heap has the limit', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'heap-limit-'));
    const entry = path.join(dir, 'entry.ts');
    await writeFile(
      entry,
      `import v8 from 'node:v8';
import { restartWithHeapLimit } from ${JSON.stringify(HEAP_LIMIT_MODULE)};
console.log(JSON.stringify({ pid: process.pid, limitMiB: v8.getHeapStatistics().heap_size_limit / 2 ** 20 }));
restartWithHeapLimit(96);`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, NODE_OPTIONS: '' } });
    const [before, after] = stdout.trim().split('\n').map((line) => JSON.parse(line) as { pid: number; limitMiB: number });
    expect(after!.pid).toBe(before!.pid);
    expect(before!.limitMiB).toBeGreaterThan(1000);
    // The old space plus the young generation (3 × a 16 MiB semi-space).
    expect(after!.limitMiB).toBe(96 + 3 * 16);
  });
});
