import { join } from 'node:path';
import { cacheDirFor } from '../paths.js';
import { GO_MODULES, VERSIONS } from '../versions.js';
import { installOnce } from '../util/cache-install.js';
import { runOrThrow } from '../util/run-command.js';
import { which } from '../util/which.js';
import type { StackLog } from '../log.js';

interface GoTool {
  name: string;
  module: string;
  version: string;
  binaryName: string;
  /** Said before a slow build, so a silent terminal is not mistaken for a hang. */
  expectedDuration?: string;
}

const tools = {
  minio: { name: 'minio', module: GO_MODULES.minio, version: VERSIONS.minio, binaryName: 'minio', expectedDuration: '~2 minutes' },
  stripeMock: { name: 'stripe-mock', module: GO_MODULES.stripeMock, version: VERSIONS.stripeMock, binaryName: 'stripe-mock' },
} as const satisfies Record<string, GoTool>;

export type GoToolName = keyof typeof tools;

export function goToolPath(tool: GoToolName): string {
  const t = tools[tool];
  return join(cacheDirFor(t.name, t.version), t.binaryName);
}

/**
 * Builds a pinned Go tool from source via the Go module proxy. GOBIN points at a temporary folder
 * that becomes the cache directory only after `go install` succeeded.
 */
export async function provisionGoTool(tool: GoToolName, log: StackLog): Promise<string> {
  const t: GoTool = tools[tool];
  await installOnce(cacheDirFor(t.name, t.version), async (tempDir) => {
    const go = which('go', ['/usr/local/go/bin']);
    if (!go) throw new Error(`the Go toolchain is needed to build ${t.name}; install Go (>= 1.24) or put it on PATH`);
    const duration = t.expectedDuration ? ` (takes ${t.expectedDuration})` : '';
    log(`building ${t.name} ${t.version} with go install${duration}`);
    const started = Date.now();
    // -mod=mod: build from the module's own go.mod even if the caller's GOFLAGS says otherwise.
    await runOrThrow(go, ['install', `${t.module}@${t.version}`], { env: { GOBIN: tempDir, GOFLAGS: '-mod=mod' } });
    log(`built ${t.name} in ${Math.round((Date.now() - started) / 1000)} s`);
  });
  return goToolPath(tool);
}
