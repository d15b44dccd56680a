import type { PartContext } from '../lib/context.js';

export async function runWebSocket(_ctx: PartContext): Promise<void> {
  throw new Error('not built yet');
}
