import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../../domain/config.js';
import { SEAL_PURPOSES, SecretBox } from '../../platform/crypto/secret-box.js';
import { CalendarLinkService } from './calendar-link-service.js';
import { ConnectStates } from './connect-states.js';
import { createGoogleCalendarConsent } from './google-calendar-consent.js';

/** The calendar connection service, built once per process. */
export function createCalendarLinkService({ config, db, redis, logger }: { config: Config; db: Knex; redis: Redis; logger: Logger }): CalendarLinkService {
  return new CalendarLinkService({
    db,
    consent: createGoogleCalendarConsent(config.google),
    // A connection may take as long as a Google sign-in (OAUTH_STATE_TTL).
    states: new ConnectStates(redis, config.auth.oauthStateTtlMs),
    tokens: new SecretBox(config.secretKey, SEAL_PURPOSES.googleRefreshToken),
    logger: logger.child({ component: 'calendar-links' }),
  });
}
