/** The real API (server/api.ts) as a child on a free port, and signed-in users to call it as. */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { AccessTokens } from '../../services/auth/access-tokens.js';
import type { Config } from '../../domain/config.js';
import { freePort } from '../../scripts/stack/util/free-port.js';
import { spawnEntry, type Child } from './processes.js';

export async function startApi(root: string, logDir: string, env: Record<string, string>, name = 'api'): Promise<{ child: Child; baseUrl: string }> {
  const port = await freePort();
  const child = await spawnEntry(name, path.join(root, 'server', 'api.ts'), { root, logDir, env: { ...env, PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` } });
  await child.waitForLine('"API listening"', 120_000);
  return { child, baseUrl: `http://127.0.0.1:${port}` };
}

/** A bearer token for a user that exists in the database (as the tests' fixtures issue them). */
export async function bearer(config: Config, userId: string, role: 'student' | 'tutor' | 'admin'): Promise<string> {
  const { token } = await new AccessTokens(config.secretKey, 3_600_000).issue({ userId, role, sessionId: randomUUID() });
  return `Bearer ${token}`;
}
