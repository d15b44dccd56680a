/**
 * The one error type of the code base. Code that refuses something throws an AppError of one kind
 * from a closed set; the HTTP layer maps each kind to a status in exactly one place
 * (api/middleware/problem-details.ts), and workflows map kinds to retryable or not.
 *
 * `detail` is written for the person who sent the request: it is shown to them, so it must never
 * carry secrets, SQL or stack traces.
 */
export const ERROR_KINDS = [
  'invalid_input', // the request is malformed or fails validation
  'unauthenticated', // no valid credentials
  'forbidden', // authenticated, but this role may not do this
  'not_found', // no such resource, or one the caller may not see
  'conflict', // the resource's current state forbids this (double booking, duplicate email)
  'unprocessable', // well-formed, but semantically refused (idempotency key reused with another body)
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'payment_failed', // the card was declined or needs the customer's action
  'unavailable', // a dependency is down; retrying later may succeed
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface FieldIssue {
  /** Where in the input, e.g. "body.start" or "query.limit". */
  path: string;
  message: string;
}

export interface AppErrorOptions {
  /** Validation issues, one per bad field. */
  issues?: FieldIssue[];
  /** Seconds before a retry may succeed (rate limits, outages). */
  retryAfterSeconds?: number;
  /** Extra members added to the problem document, e.g. a Stripe client secret the frontend needs. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly issues: FieldIssue[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly extensions: Record<string, unknown> | undefined;

  constructor(
    readonly kind: ErrorKind,
    readonly detail: string,
    options: AppErrorOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.issues = options.issues;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.extensions = options.extensions;
  }

  static invalidInput(detail: string, issues?: FieldIssue[]): AppError {
    return new AppError('invalid_input', detail, issues ? { issues } : {});
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} was not found`);
  }

  static conflict(detail: string): AppError {
    return new AppError('conflict', detail);
  }

  static unauthenticated(detail = 'Sign in to do this'): AppError {
    return new AppError('unauthenticated', detail);
  }

  static forbidden(detail = 'Your role may not do this'): AppError {
    return new AppError('forbidden', detail);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
