/**
 * Until a student and a tutor have had a paid lesson, contact details in their messages are hidden,
 * so the first booking cannot be moved off the platform. Detection is deliberately broad on links
 * and emails (also the "name at domain dot com" spelling) and needs enough digits for a phone
 * number that dates, times and prices stay readable.
 */
import type { ContactKind } from '../../db/models/masked-contact-attempt.js';

export const MASK_TEXT = '[hidden until your first lesson]';

const TLDS =
  'com|net|org|io|co|me|ly|gg|app|dev|info|biz|xyz|ai|us|uk|de|fr|es|it|nl|ru|in|ca|au|br|pl|tv|link|site|online|page|chat|to';

const PATTERNS: { kind: ContactKind; pattern: RegExp }[] = [
  {
    kind: 'email',
    pattern: new RegExp(
      String.raw`[\p{L}\p{N}._%+-]+\s*(?:@|\(at\)|\[at\]|\s+at\s+)\s*[\p{L}\p{N}-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*[\p{L}\p{N}-]+)*\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*(?:${TLDS}|[a-z]{2,})\b`,
      'giu',
    ),
  },
  {
    kind: 'link',
    pattern: new RegExp(
      String.raw`\b(?:https?:\/\/|www\.)\S+|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:${TLDS})\b(?:\/\S*)?`,
      'giu',
    ),
  },
  {
    kind: 'phone',
    // Nine or more digits, optionally after "+", with spaces, dots, dashes or brackets between them;
    // or seven or more after a "+" (an international number is never a date).
    pattern: /(?<![\p{L}\p{N}])(?:\+\s*\(?\d(?:[\s().-]{0,3}\d){6,}|\(?\d(?:[\s().-]{0,3}\d){8,})(?![\p{L}\p{N}])/gu,
  },
];

/** ISO dates and clock times next to each other look like a long digit run; they are not phones. */
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2})?$/;

export interface MaskResult {
  text: string;
  /** The kinds found, each once, in a stable order; empty when nothing was masked. */
  kinds: ContactKind[];
}

export function maskContactDetails(text: string): MaskResult {
  const found = new Set<ContactKind>();
  let masked = text;
  for (const { kind, pattern } of PATTERNS) {
    masked = masked.replace(pattern, (match) => {
      if (kind === 'phone' && DATE_LIKE.test(match.trim())) return match;
      found.add(kind);
      return MASK_TEXT;
    });
  }
  return { text: masked, kinds: (['phone', 'email', 'link'] as const).filter((kind) => found.has(kind)) };
}
