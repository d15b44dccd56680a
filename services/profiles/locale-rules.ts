/**
 * What counts as a time zone, a language and a currency on a profile, decided by the ICU data that
 * ships with Node (Intl), so the lists stay current without a table of our own.
 */

// Time zones are a domain rule shared with availability and accounts.
export { canonicalTimeZone } from '../../domain/availability/time-zone.js';

// language, then an optional script and an optional region: nothing else (no variants, no private use).
const LANGUAGE_TAG_SHAPE = /^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?$/;
const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/**
 * The canonical BCP-47 form of a teaching language ("PT-br" → "pt-BR", "iw" → "he"), or undefined
 * when the tag is malformed or names a language or region ICU does not know.
 */
export function canonicalLanguageTag(tag: string): string | undefined {
  let canonical: string | undefined;
  try {
    [canonical] = Intl.getCanonicalLocales(tag);
  } catch {
    return undefined;
  }
  if (!canonical || !LANGUAGE_TAG_SHAPE.test(canonical)) return undefined;
  const parts = canonical.split('-');
  if (languageNames.of(parts[0]!) === undefined) return undefined;
  const region = parts.find((part, index) => index > 0 && /^([A-Z]{2}|\d{3})$/.test(part));
  if (region && regionNames.of(region) === undefined) return undefined;
  return canonical;
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 code of a currency in circulation ("USD"); lower case is not accepted. */
export function isKnownCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code);
}
