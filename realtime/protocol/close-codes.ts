/**
 * Every close code the server uses, with what a client should do about it. Part of the protocol:
 * clients branch on these numbers, so they never change meaning.
 */
export const CLOSE_CODES = {
  normal: { code: 1000, meaning: 'The connection ended normally.', reconnect: 'Only if the client still wants one.' },
  shuttingDown: { code: 1001, meaning: 'This server is shutting down.', reconnect: 'Yes, at once: another server answers.' },
  unsupportedData: { code: 1003, meaning: 'A binary frame: the protocol is JSON text only.', reconnect: 'Fix the client first.' },
  invalidPayload: { code: 1007, meaning: 'A text frame that is not valid JSON (or not UTF-8).', reconnect: 'Fix the client first.' },
  policyViolation: { code: 1008, meaning: 'Too many frames: the connection exceeded its rate limit.', reconnect: 'After a pause (a few seconds).' },
  tooBig: { code: 1009, meaning: 'A frame larger than the maximum payload (64 KiB).', reconnect: 'Fix the client first.' },
  internalError: { code: 1011, meaning: 'The server failed unexpectedly.', reconnect: 'Yes, with backoff.' },
  tokenExpired: { code: 4001, meaning: 'The access token expired: the server closes at its expiry time.', reconnect: 'Refresh the token, then reconnect.' },
  sessionRevoked: { code: 4003, meaning: 'The sign-in session ended (logout, its refresh token was reused, or an admin suspended the account).', reconnect: 'No: sign in again.' },
} as const;

export type CloseReason = keyof typeof CLOSE_CODES;
