/**
 * A tutor's regular week: on each weekday, spans of local wall time ("Mondays 09:00–12:00") read in
 * the tutor's own zone, whatever the date. Weekdays are numbered as JavaScript's Date#getDay does:
 * 0 = Sunday, 1 = Monday … 6 = Saturday.
 */
export const MINUTES_PER_DAY = 1_440;
export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

export interface WeeklyRule {
  weekday: number;
  /** Minutes from local midnight, 0–1439. */
  startMinute: number;
  /** Minutes from local midnight, 1–1440 (1440 = the end of the day); after startMinute. */
  endMinute: number;
}

export interface RuleProblem {
  /** The rule's position in the list given. */
  index: number;
  message: string;
}

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** "09:30" → 570; "24:00" → 1440 (end of day); anything else → null. */
export function parseClockTime(text: string): number | null {
  const match = CLOCK_TIME.exec(text);
  if (!match) return null;
  if (text === '24:00') return MINUTES_PER_DAY;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** 570 → "09:30"; 1440 → "24:00". */
export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function describeSpan(startMinute: number, endMinute: number): string {
  return `${formatClockTime(startMinute)}–${formatClockTime(endMinute)}`;
}

/** One problem per bad rule: out of range, ending before it starts, or overlapping an earlier rule of the same day. */
export function findRuleProblems(rules: readonly WeeklyRule[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  rules.forEach((rule, index) => {
    if (!Number.isInteger(rule.weekday) || rule.weekday < 0 || rule.weekday > 6) {
      problems.push({ index, message: 'weekday must be 0 (Sunday) to 6 (Saturday)' });
      return;
    }
    const problem = spanProblem(rule.startMinute, rule.endMinute);
    if (problem) {
      problems.push({ index, message: problem });
      return;
    }
    const clash = rules.findIndex(
      (other, otherIndex) =>
        otherIndex < index &&
        other.weekday === rule.weekday &&
        spanProblem(other.startMinute, other.endMinute) === null &&
        other.startMinute < rule.endMinute &&
        rule.startMinute < other.endMinute,
    );
    if (clash >= 0) {
      const other = rules[clash]!;
      problems.push({
        index,
        message: `overlaps rule ${clash} (${WEEKDAY_NAMES[rule.weekday]} ${describeSpan(other.startMinute, other.endMinute)})`,
      });
    }
  });
  return problems;
}

/** Why a span of one day's wall time is unusable, or null when it is fine. */
export function spanProblem(startMinute: number, endMinute: number): string | null {
  if (!Number.isInteger(startMinute) || startMinute < 0 || startMinute >= MINUTES_PER_DAY) return 'start must be 00:00 to 23:59';
  if (!Number.isInteger(endMinute) || endMinute < 1 || endMinute > MINUTES_PER_DAY) return 'end must be 00:01 to 24:00';
  if (endMinute <= startMinute) return 'end must be after start';
  return null;
}
