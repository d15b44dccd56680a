/**
 * Shared by the static checks of docker-compose.yml and deploy/k8s: the search attributes that
 * must be registered, and the app's connection settings.
 */
import { CONFIG_KEYS } from '../../../domain/config.js';
import { BOOKING_SEARCH_ATTRIBUTES } from '../../../scripts/stack/search-attributes.js';

/** The one list (workflows/booking/search-attributes.ts, re-exported by the stack script). */
export const EXPECTED_SEARCH_ATTRIBUTES: Record<string, string> = { ...BOOKING_SEARCH_ATTRIBUTES };

/** "A=Keyword B=Datetime" (as the registration jobs take them) → { A: 'Keyword', … }. */
export function parseAttributeList(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split(/\s+/)
      .map((pair) => pair.split('=') as [string, string]),
  );
}

/**
 * Configuration keys that name where something is: their defaults point at this machine's
 * loopback, which inside a container or a pod is the container itself, so a deployment must set
 * each of them.
 */
export const CONNECTION_KEYS = CONFIG_KEYS.filter((key) => /(_URL|_ADDRESS|_ENDPOINT|_API_BASE|_OAUTH_BASE|_URI|_HOST)$|^HOST$/.test(key) && key !== 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');

/** Every http(s)/postgres/redis URL in a text, with its host and port. */
export function urlsIn(text: string): { url: string; host: string; port: string }[] {
  return [...text.matchAll(/\b(?:https?|postgres|postgresql|redis|rediss|wss?):\/\/(?:[^@/\s'"]+@)?([A-Za-z0-9.-]+)(?::(\d+))?[^\s'",)]*/g)].map((match) => ({
    url: match[0],
    host: match[1]!,
    port: match[2] ?? '',
  }));
}
