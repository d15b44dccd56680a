/**
 * Money is integer minor units with an ISO 4217 currency; never floating point.
 */
export interface Money {
  amountMinor: number;
  currency: string;
}

/** Basis points: 1500 = 15 %. */
export function commissionOf(amountMinor: number, commissionBps: number): number {
  if (!Number.isInteger(amountMinor) || amountMinor < 0) throw new RangeError(`amount must be a non-negative integer, got ${amountMinor}`);
  if (!Number.isInteger(commissionBps) || commissionBps < 0 || commissionBps > 10_000) throw new RangeError(`commission must be 0..10000 bps, got ${commissionBps}`);
  // Half-up rounding in integers: the platform never takes a fraction of a cent more than its rate.
  return Math.floor((amountMinor * commissionBps + 5_000) / 10_000);
}

/**
 * What the tutor is paid for a lesson: what the student finally paid (captured minus refunded)
 * minus the platform's commission on that amount. Never negative.
 */
export function tutorPayout(args: { capturedMinor: number; refundedMinor: number; commissionBps: number }): number {
  const retained = Math.max(0, args.capturedMinor - args.refundedMinor);
  return retained - commissionOf(retained, args.commissionBps);
}

/** A lesson's price from the tutor's hourly rate and its length, rounded half-up to the minor unit. */
export function lessonPrice(hourlyRateMinor: number, lengthMinutes: number): number {
  return Math.floor((hourlyRateMinor * lengthMinutes + 30) / 60);
}

const minorDigitsByCurrency = new Map<string, number>();

/** How many minor units a currency has: 2 for EUR, 0 for JPY, 3 for KWD (ISO 4217, from Intl). */
export function minorDigitsOf(currency: string): number {
  // Building a NumberFormat is costly (the booking workflow's details call this on every change): once per currency.
  let digits = minorDigitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    minorDigitsByCurrency.set(currency, digits);
  }
  return digits;
}

/** "50.00 EUR", "5000 JPY": the amount in major units with the code, for emails and ops. */
export function formatMoney(amountMinor: number, currency: string): string {
  const digits = minorDigitsOf(currency);
  return `${(amountMinor / 10 ** digits).toFixed(digits)} ${currency}`;
}
