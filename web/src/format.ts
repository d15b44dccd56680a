/** Times are always shown with their zone; money in the currency's own minor units. */

export const viewerZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function formatInstant(iso: string, zone: string = viewerZone): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: zone,
  }).format(new Date(iso));
  return `${text} (${zone})`;
}

export function formatTime(iso: string, zone: string = viewerZone): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(new Date(iso));
}

export function formatDay(iso: string, zone: string = viewerZone): string {
  return new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: zone }).format(new Date(iso));
}

export function formatMoney(minor: number, currency: string): string {
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(minor / 10 ** minorDigits(currency));
}

function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** The currency's minor units for an amount typed in major units ("12.50" → 1250). */
export function toMinor(amount: string, currency: string): number {
  return Math.round(Number(amount) * 10 ** minorDigits(currency));
}

/** Minor units as the amount a person types (1250 → "12.50"). */
export function toMajor(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/** YYYY-MM-DD of an instant in a zone. */
export function localDate(date: Date, zone: string = viewerZone): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: zone }).format(date);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

export const STATUS_LABELS: Record<string, string> = {
  PENDING_PAYMENT: 'Waiting for payment',
  PAYMENT_FAILED: 'Payment failed',
  REQUESTED: 'Requested',
  SCHEDULED: 'Scheduled',
  ACTIVE: 'In progress',
  ENDED: 'Ended',
  DECLINED: 'Declined',
  EXPIRED: 'Expired',
  CANCELLED: 'Cancelled',
};
