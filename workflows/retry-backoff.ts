/**
 * How every workflow's activities retry a transient failure (network, 5xx, 429, a lock timeout):
 * exponential backoff from one second, capped at one minute. One value, so the booking, package
 * and series workflows keep the same failure policy (README "Failure policy").
 */
export const RETRY_BACKOFF = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
