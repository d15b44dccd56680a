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

/** What stands in the way of a 409, named so clients can branch on it (the problem's `conflict`). */
export const CONFLICT_REASONS = [
  'tutor_busy', // the tutor's time is taken
  'student_busy', // the student has another lesson then (`conflictingBooking` names it)
  'no_credit', // no package credit left for this tutor and length
  'trial_used', // the student already had their trial lesson with this tutor
  'open_hold', // a saved card holds a lesson's payment (`bookingId` names it)
  'live_series', // a saved card pays a weekly series still running
] as const;
export type ConflictReason = (typeof CONFLICT_REASONS)[number];

/** The booking rule a proposed time or length breaks (the problem's `rule`, on a 422). */
export const BOOKING_RULES = ['length_not_offered', 'too_soon', 'beyond_horizon', 'outside_availability', 'length_fixed'] as const;
export type BookingRule = (typeof BOOKING_RULES)[number];

/** Why an account may not sign in (the problem's `accountStatus`, on a 401). */
export const REFUSED_ACCOUNT_STATUSES = ['suspended', 'banned', 'deleted'] as const;

/** What must end or be settled before an account can be deleted (the problem's `blockers`, on a 409). */
export const DELETION_BLOCKER_KINDS = ['open_booking', 'unsettled_booking', 'active_series', 'package_credits'] as const;

/**
 * The RFC 9457 extension members a problem document may carry. Closed on purpose: the OpenAPI
 * document declares exactly these (api/openapi.ts checks it against this type), so a member added
 * here without its schema, or thrown without being added here, does not compile.
 */
export interface ProblemExtensions {
  bookingId?: string;
  packageId?: string;
  conflict?: ConflictReason;
  conflictingBooking?: { bookingId: string; sessionStart: string; sessionEnd: string };
  accountStatus?: (typeof REFUSED_ACCOUNT_STATUSES)[number];
  blockers?: { kind: (typeof DELETION_BLOCKER_KINDS)[number]; id: string; status: string }[];
  rule?: BookingRule;
}

export interface AppErrorOptions {
  /** Validation issues, one per bad field. */
  issues?: FieldIssue[];
  /** Seconds before a retry may succeed (rate limits, outages). */
  retryAfterSeconds?: number;
  /** Extra members added to the problem document, each declared in ProblemExtensions. */
  extensions?: ProblemExtensions;
  cause?: unknown;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly issues: FieldIssue[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly extensions: ProblemExtensions | undefined;

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
