/**
 * Exceptions to the regular week, on one of the tutor's local dates: `extra` adds hours that day;
 * `off` takes hours away — the whole day when it has no span. Blocking wins: time an `off` covers
 * is never bookable, whatever `extra` or weekly rule also covers it, so a tutor who blocks time
 * can trust it stays blocked.
 */
import type { LocalDate } from './local-date.js';
import { spanProblem } from './weekly-rules.js';

export const OVERRIDE_KINDS = ['extra', 'off'] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

export interface DateOverride {
  date: LocalDate;
  kind: OverrideKind;
  /** Both null: the whole day (only for `off`). */
  startMinute: number | null;
  endMinute: number | null;
}

/** Why an override cannot be stored, or null when it is fine. */
export function overrideProblem(override: DateOverride): string | null {
  if (override.startMinute === null && override.endMinute === null) {
    return override.kind === 'extra' ? 'extra hours need a start and an end' : null;
  }
  if (override.startMinute === null || override.endMinute === null) return 'give both start and end, or neither for the whole day';
  return spanProblem(override.startMinute, override.endMinute);
}
