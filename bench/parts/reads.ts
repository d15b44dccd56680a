import type { PartContext } from '../lib/context.js';

export async function runReads(_ctx: PartContext): Promise<void> {
  throw new Error('not built yet');
}
