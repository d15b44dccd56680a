/**
 * IANA time-zone names ("Europe/Paris"), as the runtime's ICU data knows them. Returns the
 * canonical spelling ("europe/paris" → "Europe/Paris", "US/Eastern" → "America/New_York"), or
 * undefined for anything else, including UTC offsets like "+01:00", which are not zones: they do
 * not follow daylight-saving changes.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (!/^[A-Za-z]/.test(name) || name.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
