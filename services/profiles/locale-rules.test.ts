import { describe, expect, it } from 'vitest';
import { canonicalLanguageTag, canonicalTimeZone, isKnownCurrency } from './locale-rules.js';

describe('canonicalTimeZone', () => {
  it('accepts IANA zones and fixes their case', () => {
    expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('america/sao_paulo')).toBe('America/Sao_Paulo');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Etc/GMT+5')).toBe('Etc/GMT+5');
  });

  it('refuses offsets, abbreviations of nothing and made-up zones', () => {
    for (const zone of ['+01:00', '-0500', 'Mars/Olympus_Mons', '', 'Europe/', '../etc/passwd', 'Europe Paris']) {
      expect(canonicalTimeZone(zone), zone).toBeUndefined();
    }
  });
});

describe('canonicalLanguageTag', () => {
  it('accepts languages with an optional script and region, in canonical form', () => {
    expect(canonicalLanguageTag('en')).toBe('en');
    expect(canonicalLanguageTag('PT-br')).toBe('pt-BR');
    expect(canonicalLanguageTag('zh-hant-tw')).toBe('zh-Hant-TW');
    expect(canonicalLanguageTag('es-419')).toBe('es-419');
    expect(canonicalLanguageTag('iw')).toBe('he');
  });

  it('refuses malformed tags and unknown languages or regions', () => {
    for (const tag of ['', 'english', 'zz', 'en-US-x-private', 'en_US', 'en-AA', '12']) {
      expect(canonicalLanguageTag(tag), tag).toBeUndefined();
    }
  });
});

describe('isKnownCurrency', () => {
  it('knows ISO 4217 codes in upper case only', () => {
    expect(isKnownCurrency('USD')).toBe(true);
    expect(isKnownCurrency('EUR')).toBe(true);
    expect(isKnownCurrency('usd')).toBe(false);
    expect(isKnownCurrency('ABC')).toBe(false);
  });
});
