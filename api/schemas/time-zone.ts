import { z } from 'zod';
import { canonicalTimeZone } from '../../domain/availability/time-zone.js';

/** An IANA zone, carried on in the runtime's canonical spelling ("europe/paris" → "Europe/Paris"). */
export const TimeZoneSchema = z
  .string()
  .max(64)
  .transform((zone, ctx) => {
    const canonical = canonicalTimeZone(zone);
    if (canonical) return canonical;
    ctx.addIssue({ code: 'custom', message: 'not an IANA time zone such as "Europe/Paris" (UTC offsets are not zones)' });
    return z.NEVER;
  })
  .describe('IANA time zone, e.g. "Europe/Paris"');
