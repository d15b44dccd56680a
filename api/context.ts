import type { Logger } from 'pino';

/** The identity a verified access token carries. */
export interface Principal {
  userId: string;
  role: 'student' | 'tutor' | 'admin';
  /** The sign-in session (refresh-token family) the access token belongs to. */
  sessionId: string;
}

/** What the middleware chain puts on `ctx.state` for the handlers after it. */
export interface AppState {
  requestId: string;
  log: Logger;
  principal?: Principal;
}
