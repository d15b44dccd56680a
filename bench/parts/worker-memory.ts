import type { PartContext } from '../lib/context.js';

export async function runWorker(_ctx: PartContext): Promise<void> {
  throw new Error('not built yet');
}
