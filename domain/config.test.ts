import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, loadConfig } from './config.js';

const STRONG_SECRET = 'a-production-secret-that-is-long-enough-0123';

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
    expect(loadConfig({ ENVIRONMENT: 'production', SECRET_KEY: STRONG_SECRET }).secretKey).toBe(STRONG_SECRET);
  });

  it('refuses the development key outside development', () => {
    const developmentKey = loadConfig({}).secretKey;
    expect(() => loadConfig({ ENVIRONMENT: 'staging', SECRET_KEY: developmentKey })).toThrow(/must not be the development key/);
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
