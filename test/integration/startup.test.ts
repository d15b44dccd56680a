import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function runProcess(entry: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('start-up configuration', () => {
  for (const entry of ['api/server.ts', 'workers/booking-worker.ts', 'realtime/server.ts', 'db/migrate.ts']) {
    it(`${entry} refuses a short SECRET_KEY in production before touching anything`, async () => {
      const { code, stderr } = await runProcess(entry, { ENVIRONMENT: 'production', SECRET_KEY: 'short' });
      expect(code).toBe(78);
      expect(stderr).toContain('Invalid configuration');
      expect(stderr).toContain('SECRET_KEY: must be at least 32 characters');
    });
  }
});
