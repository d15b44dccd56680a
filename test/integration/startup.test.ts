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
  for (const entry of ['server/api.ts', 'workers/booking-worker.ts', 'server/realtime.ts', 'db/migrate.ts']) {
    it(`${entry} refuses a short SECRET_KEY in production before touching anything`, async () => {
      const { code, stderr } = await runProcess(entry, { ENVIRONMENT: 'production', SECRET_KEY: 'short' });
      expect(code).toBe(78);
      expect(stderr).toContain('Invalid configuration');
      expect(stderr).toContain('SECRET_KEY: must be at least 32 characters');
    });
  }

  it('server/api.ts refuses production with development defaults, naming each key', async () => {
    const { code, stderr } = await runProcess('server/api.ts', {
      ENVIRONMENT: 'production',
      SECRET_KEY: 'a-production-secret-that-is-long-enough-0123',
      CORS_ORIGINS: '*',
    });
    expect(code).toBe(78);
    for (const key of ['STRIPE_WEBHOOK_SECRET', 'STRIPE_API_BASE', 'BREVO_API_BASE', 'ZOOM_API_BASE', 'ZOOM_OAUTH_BASE', 'GOOGLE_API_BASE', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'CORS_ORIGINS']) {
      expect(stderr).toMatch(new RegExp(`^  ${key}: `, 'm'));
    }
  });

  it('server/api.ts refuses NODE_ENV=production without ENVIRONMENT (a built image started bare)', async () => {
    const { code, stderr } = await runProcess('server/api.ts', { NODE_ENV: 'production' });
    expect(code).toBe(78);
    expect(stderr).toContain('ENVIRONMENT: must be set when NODE_ENV=production');
  });
});
