import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, loadConfig } from './config.js';

const STRONG_SECRET = 'a-production-secret-that-is-long-enough-0123';

/** What a real production deployment sets: its own secrets, the real services, its own origin. */
const SAFE_PRODUCTION = {
  ENVIRONMENT: 'production',
  SECRET_KEY: STRONG_SECRET,
  S3_ACCESS_KEY: 'AKIAEXAMPLEPROD',
  S3_SECRET_KEY: 'a-real-storage-secret',
  STRIPE_SECRET_KEY: 'sk_live_realkey',
  STRIPE_WEBHOOK_SECRET: 'whsec_realsecret',
  STRIPE_API_BASE: '',
  BREVO_API_KEY: 'xkeysib-real',
  BREVO_API_BASE: '',
  ZOOM_CLIENT_SECRET: 'real-zoom-secret',
  ZOOM_API_BASE: '',
  ZOOM_OAUTH_BASE: '',
  GOOGLE_CLIENT_SECRET: 'real-google-secret',
  GOOGLE_API_BASE: '',
  CORS_ORIGINS: 'https://app.tutorflow.example',
};

/** The message of the ConfigError loadConfig throws for `env`. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('runs a development process with no environment at all', () => {
    const config = loadConfig({});
    expect(config.environment).toBe('development');
    expect(config.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(config.rateLimits).toEqual({
      general: { limit: 60, windowMs: 60_000 },
      registration: { limit: 5, windowMs: 60_000 },
      login: { limit: 10, windowMs: 60_000 },
    });
  });

  it('refuses a short SECRET_KEY in production with a message naming the key', () => {
    expect(() => loadConfig({ ENVIRONMENT: 'production', SECRET_KEY: 'too-short' })).toThrow(ConfigError);
    expect(() => loadConfig({ ENVIRONMENT: 'production', SECRET_KEY: 'too-short' })).toThrow(/SECRET_KEY: must be at least 32 characters/);
  });

  it('requires SECRET_KEY in staging and production', () => {
    for (const environment of ['staging', 'production']) {
      expect(() => loadConfig({ ENVIRONMENT: environment })).toThrow(new RegExp(`SECRET_KEY: is required when ENVIRONMENT=${environment}`));
    }
    expect(loadConfig(SAFE_PRODUCTION).secretKey).toBe(STRONG_SECRET);
  });

  it('refuses the development key outside development', () => {
    const developmentKey = loadConfig({}).secretKey;
    expect(() => loadConfig({ ENVIRONMENT: 'staging', SECRET_KEY: developmentKey })).toThrow(/must not be the development key/);
  });

  for (const environment of ['staging', 'production']) {
    it(`refuses to start ${environment} with any development default, naming each key`, () => {
      const message = refusal({ ENVIRONMENT: environment, SECRET_KEY: STRONG_SECRET });
      for (const key of [
        'STRIPE_WEBHOOK_SECRET', 'STRIPE_SECRET_KEY', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'BREVO_API_KEY', 'ZOOM_CLIENT_SECRET', 'GOOGLE_CLIENT_SECRET',
        'STRIPE_API_BASE', 'BREVO_API_BASE', 'ZOOM_API_BASE', 'ZOOM_OAUTH_BASE', 'GOOGLE_API_BASE', 'CORS_ORIGINS',
      ]) {
        expect(message).toMatch(new RegExp(`^  ${key}: `, 'm'));
      }
    });
  }

  it('refuses each unsafe production setting on its own', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ STRIPE_WEBHOOK_SECRET: 'whsec_development_only' }, /STRIPE_WEBHOOK_SECRET: must not be the development default/],
      [{ STRIPE_API_BASE: 'http://127.0.0.1:12111' }, /STRIPE_API_BASE: points at 127.0.0.1/],
      [{ BREVO_API_BASE: 'http://localhost:4510/brevo/v3' }, /BREVO_API_BASE: points at localhost/],
      [{ ZOOM_API_BASE: 'http://[::1]:4510/zoom/v2' }, /ZOOM_API_BASE: points at \[::1\]/],
      [{ GOOGLE_API_BASE: 'http://fake.localhost/google' }, /GOOGLE_API_BASE: points at fake.localhost/],
      [{ S3_ACCESS_KEY: 'minioadmin', S3_SECRET_KEY: 'minioadmin' }, /S3_SECRET_KEY: must not be MinIO's default/],
      [{ S3_SECRET_KEY: 'tutorflow-secret' }, /S3_SECRET_KEY: must not be the development default/],
      [{ CORS_ORIGINS: '*' }, /CORS_ORIGINS: "\*" is not one exact origin/],
      [{ CORS_ORIGINS: 'https://*.tutorflow.example' }, /CORS_ORIGINS: .* is not one exact origin/],
      [{ CORS_ORIGINS: 'https://app.tutorflow.example,http://localhost:5173' }, /CORS_ORIGINS: "http:\/\/localhost:5173" is a local origin/],
      [{ SECRET_KEY: loadConfig({}).secretKey }, /SECRET_KEY: must not be the development key/],
    ];
    for (const [unsafe, expected] of cases) {
      const message = refusal({ ...SAFE_PRODUCTION, ...unsafe });
      expect(message).toMatch(expected);
      expect(message.split('\n').length, JSON.stringify(unsafe)).toBe(1 + new Set(Object.keys(unsafe)).size);
    }
  });

  it('reads an empty Zoom base as the real Zoom', () => {
    const config = loadConfig(SAFE_PRODUCTION);
    expect(config.zoom.apiBase).toBe('https://api.zoom.us/v2');
    expect(config.zoom.oauthBase).toBe('https://zoom.us/oauth');
    expect(config.stripe.apiBase).toBe('');
    expect(loadConfig({}).zoom.apiBase).toBe('http://127.0.0.1:4510/zoom/v2');
  });

  it('refuses NODE_ENV=production without an explicit ENVIRONMENT', () => {
    expect(refusal({ NODE_ENV: 'production' })).toMatch(/ENVIRONMENT: must be set when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', ENVIRONMENT: 'development' }).environment).toBe('development');
  });

  it('names every bad key at once', () => {
    try {
      loadConfig({ ENVIRONMENT: 'qa', PORT: 'eighty', REGISTRATION_RATE_LIMIT: 'lots' });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/ENVIRONMENT:/);
      expect(message).toMatch(/PORT:/);
      expect(message).toMatch(/REGISTRATION_RATE_LIMIT: expected "<count>\/<second\|minute\|hour>"/);
    }
  });

  it('reads the refresh-token reuse interval (10s by default, 0s off) and refuses one above a minute', () => {
    expect(loadConfig({}).auth.refreshTokenReuseIntervalMs).toBe(10_000);
    expect(loadConfig({ REFRESH_TOKEN_REUSE_INTERVAL: '0s' }).auth.refreshTokenReuseIntervalMs).toBe(0);
    expect(refusal({ REFRESH_TOKEN_REUSE_INTERVAL: '2m' })).toMatch(/REFRESH_TOKEN_REUSE_INTERVAL: must be at most 1m/);
  });

  it('reads rate limits written as count per unit', () => {
    const config = loadConfig({ REGISTRATION_RATE_LIMIT: '3/hour', LOGIN_RATE_LIMIT: '20/second', RATE_LIMIT_PER_MINUTE: '120' });
    expect(config.rateLimits.registration).toEqual({ limit: 3, windowMs: 3_600_000 });
    expect(config.rateLimits.login).toEqual({ limit: 20, windowMs: 1_000 });
    expect(config.rateLimits.general.limit).toBe(120);
  });

  it('treats an empty variable as unset, except where empty means the real service', () => {
    expect(loadConfig({ PORT: '' }).http.port).toBe(3000);
    expect(loadConfig({ STRIPE_API_BASE: '' }).stripe.apiBase).toBe('');
  });
});

describe('.env.example', () => {
  it('lists exactly the keys the configuration reads', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../.env.example', import.meta.url), 'utf8');
    const listed = [...text.matchAll(/^([A-Z0-9_]+)=/gm)].map((match) => match[1]);
    expect([...listed].sort()).toEqual([...CONFIG_KEYS].sort());
  });
});
