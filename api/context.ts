import type { Logger } from 'pino';
import type { Principal } from '../domain/principal.js';

/** What the middleware chain puts on `ctx.state` for the handlers after it. */
export interface AppState {
  requestId: string;
  log: Logger;
  principal?: Principal;
}
