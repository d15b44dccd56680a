import { existsSync } from 'node:fs';
import path from 'node:path';

/** The first of the candidate entry points that exists (the composition root has moved before). */
export function entryPoint(root: string, ...candidates: string[]): string {
  for (const candidate of candidates) if (existsSync(path.join(root, candidate))) return path.join(root, candidate);
  throw new Error(`none of ${candidates.join(', ')} exists`);
}

export const apiEntry = (root: string) => entryPoint(root, 'server/api.ts', 'api/server.ts');
export const realtimeEntry = (root: string) => entryPoint(root, 'server/realtime.ts', 'realtime/server.ts');
