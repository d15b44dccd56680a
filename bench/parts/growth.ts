import type { PartContext } from '../lib/context.js';

export async function runGrowth(_ctx: PartContext): Promise<void> {
  throw new Error('not built yet');
}
