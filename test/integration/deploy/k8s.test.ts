/**
 * deploy/k8s, validated offline: the base and each overlay rendered (./kustomize.ts), every object
 * checked against the Kubernetes schemas of the npm package kubernetes-models, and the things a
 * schema cannot see: probes on the ports each process listens on (the worker's WORKER_HEALTH_PORT
 * /healthz and /readyz), requests on every container, autoscalers and disruption budgets that
 * select the right pods, grace periods that cover each process's shutdown, configuration that
 * parses as production and names no loopback address, and the search attributes of the one list.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../domain/config.js';
import { parseDuration } from '../../../domain/duration.js';
import { REPO_ROOT } from '../../support/paths.js';
import { CONNECTION_KEYS, EXPECTED_SEARCH_ATTRIBUTES, parseAttributeList, urlsIn } from './deploy-support.js';
import { containersOf, readYamlDocuments, renderKustomization, type K8sObject } from './kustomize.js';

const K8S = path.join(REPO_ROOT, 'deploy', 'k8s');
const VARIANTS = { base: 'base', staging: 'overlays/staging', production: 'overlays/production' } as const;
const DEPLOYMENTS = ['api', 'realtime', 'worker'];

type Container = {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value?: string }[];
  resources?: { requests?: Record<string, string> };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
};
type PodSpec = { terminationGracePeriodSeconds?: number; containers: Container[] };

const find = (objects: K8sObject[], kind: string, name: string) => objects.find((object) => object.kind === kind && object.metadata.name === name);
const podSpec = (object: K8sObject) => (object.spec as { template: { spec: PodSpec } }).template.spec;
const podLabels = (object: K8sObject) => (object.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
const secretExample = readYamlDocuments(path.join(K8S, 'secret.example.yaml'))[0]!;

async function validateWithSchema(object: K8sObject): Promise<void> {
  const module = (await import(`kubernetes-models/${object.apiVersion}/${object.kind}`)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[object.kind] ?? module.default;
  if (!Model) throw new Error(`kubernetes-models has no ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

/** The longest start-to-close timeout of the booking activities: what a stopping worker waits for. */
function longestActivityMs(): number {
  const source = readFileSync(path.join(REPO_ROOT, 'workflows', 'booking', 'effects.ts'), 'utf8');
  const found = [...source.matchAll(/startToCloseTimeout:\s*'([^']+)'/g)].map((match) =>
    parseDuration(match[1]!.replace(/\s*(seconds?|minutes?|hours?)$/, (unit) => unit.trim()[0]!)),
  );
  expect(found.length, 'startToCloseTimeout values in workflows/booking/effects.ts').toBeGreaterThan(0);
  return Math.max(...found);
}

describe.each(Object.entries(VARIANTS))('deploy/k8s %s', (variant, directory) => {
  const objects = renderKustomization(path.join(K8S, directory));
  const config = find(objects, 'ConfigMap', 'tutorflow-config')!.data as Record<string, string>;
  const environment = { ...config, ...(secretExample.stringData as Record<string, string>) };

  it('is valid against the Kubernetes schemas, object by object', async () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const object of [...objects, secretExample]) await expect(validateWithSchema(object), `${object.kind} ${object.metadata.name}`).resolves.toBeUndefined();
    const namespace = find(objects, 'Namespace', objects.find((object) => object.kind !== 'Namespace')!.metadata.namespace!);
    expect(namespace, 'the namespace object matches the namespace of the rest').toBeDefined();
    expect(objects.filter((object) => object.kind !== 'Namespace' && !object.metadata.namespace)).toEqual([]);
  });

  it('configures every process to parse as its environment, with no loopback address and every connection set', () => {
    expect(() => loadConfig(environment)).not.toThrow();
    expect(loadConfig(environment).environment).toBe(variant === 'staging' ? 'staging' : 'production');
    expect(CONNECTION_KEYS.filter((key) => !(key in environment))).toEqual([]);
    const loopback = Object.values(environment).flatMap(urlsIn).filter(({ host }) => /^(localhost|127\.|0\.0\.0\.0)/.test(host));
    expect(loopback).toEqual([]);
    for (const name of DEPLOYMENTS) {
      for (const container of podSpec(find(objects, 'Deployment', name)!).containers) {
        expect(container.envFrom).toEqual([{ configMapRef: { name: 'tutorflow-config' } }, { secretRef: { name: 'tutorflow-secrets' } }]);
      }
    }
  });

  it('runs the API, realtime and worker Deployments with requests, probes on their ports and graceful stops', () => {
    const probePort = (container: Container, port: string | number | undefined) =>
      typeof port === 'number' ? port : container.ports?.find((candidate) => candidate.name === port)?.containerPort;
    const expected = {
      api: { port: Number(config.PORT), path: '/health', command: 'dist/server/api.js' },
      realtime: { port: Number(config.REALTIME_PORT), path: '/health', command: 'dist/server/realtime.js' },
      worker: { port: Number(config.WORKER_HEALTH_PORT), path: '/readyz', command: 'dist/workers/booking-worker.js' },
    } as const;
    for (const name of DEPLOYMENTS) {
      const deployment = find(objects, 'Deployment', name)!;
      const spec = podSpec(deployment);
      const [container] = spec.containers;
      const want = expected[name as keyof typeof expected];
      expect(container!.command).toEqual(['node', want.command]);
      expect(existsSync(path.join(REPO_ROOT, want.command.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), want.command).toBe(true);
      expect(container!.image).toMatch(/^ghcr\.io\/tutorflow\/tutorflow-app:/);
      expect(container!.resources?.requests, name).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container!.readinessProbe?.httpGet?.path, name).toBe(want.path);
      expect(probePort(container!, container!.readinessProbe?.httpGet?.port), name).toBe(want.port);
      expect(probePort(container!, container!.livenessProbe?.httpGet?.port), name).toBe(want.port);
    }
    const worker = podSpec(find(objects, 'Deployment', 'worker')!).containers[0]!;
    expect(worker.livenessProbe!.httpGet!.path).toBe('/healthz');

    // Grace periods: the API's preStop pause + SHUTDOWN_GRACE, the worker's longest activity, each with room to close pools.
    const seconds = (ms: number) => ms / 1000;
    const api = podSpec(find(objects, 'Deployment', 'api')!);
    const preStop = Number(api.containers[0]!.lifecycle?.preStop?.exec?.command.at(-1) ?? 0);
    expect(api.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + seconds(parseDuration(config.SHUTDOWN_GRACE!)) + 5);
    expect(podSpec(find(objects, 'Deployment', 'worker')!).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(seconds(longestActivityMs()) + 5);
    expect(podSpec(find(objects, 'Deployment', 'realtime')!).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(10);
  });

  it('scales each Deployment with an autoscaler and keeps pods through disruptions', () => {
    for (const name of DEPLOYMENTS) {
      const deployment = find(objects, 'Deployment', name)!;
      const hpa = find(objects, 'HorizontalPodAutoscaler', name)!.spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
      expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
      expect(hpa.minReplicas).toBeLessThanOrEqual(hpa.maxReplicas);
      const pdb = find(objects, 'PodDisruptionBudget', name)!.spec as { minAvailable?: number; maxUnavailable?: number; selector: { matchLabels: Record<string, string> } };
      expect(podLabels(deployment)).toMatchObject(pdb.selector.matchLabels);
      // A budget that allows no eviction at the autoscaler's minimum would block every node drain.
      if (pdb.minAvailable !== undefined) expect(pdb.minAvailable).toBeLessThan(hpa.minReplicas);
      else expect(pdb.maxUnavailable).toBeGreaterThanOrEqual(1);
    }
  });

  it('routes the Ingress to Services that select the pods, and /ws to the realtime servers', () => {
    const ingress = find(objects, 'Ingress', 'tutorflow')!.spec as { rules: { http: { paths: { path: string; backend: { service: { name: string; port: { name: string } } } }[] } }[] };
    const paths = ingress.rules.flatMap((rule) => rule.http.paths);
    expect(paths.find((entry) => entry.path === '/ws')?.backend.service.name).toBe('realtime');
    for (const { backend } of paths) {
      const service = find(objects, 'Service', backend.service.name)!;
      const spec = service.spec as { selector: Record<string, string>; ports: { name: string; targetPort: string }[] };
      const port = spec.ports.find((candidate) => candidate.name === backend.service.port.name)!;
      const deployment = find(objects, 'Deployment', backend.service.name)!;
      expect(podLabels(deployment)).toMatchObject(spec.selector);
      expect(podSpec(deployment).containers[0]!.ports!.map((candidate) => candidate.name)).toContain(port.targetPort);
    }
  });

  it('migrates and registers exactly the booking search attributes in Jobs', () => {
    const migrate = find(objects, 'Job', 'migrate')!;
    expect(containersOf(migrate)[0]).toMatchObject({ command: ['node', 'dist/db/migrate.js'] });
    const register = containersOf(find(objects, 'Job', 'temporal-search-attributes')!)[0] as Container;
    const list = register.env!.find((variable) => variable.name === 'SEARCH_ATTRIBUTES')!.value!;
    expect(parseAttributeList(list)).toEqual(EXPECTED_SEARCH_ATTRIBUTES);
  });
});

describe('deploy/k8s ops toolbox', () => {
  it('is a valid pod with the same configuration as the app, running the ops command that exists', async () => {
    const [pod] = readYamlDocuments(path.join(K8S, 'ops-toolbox.yaml'));
    await expect(validateWithSchema(pod!)).resolves.toBeUndefined();
    const [container] = (pod!.spec as PodSpec).containers;
    expect(container!.envFrom).toEqual([{ configMapRef: { name: 'tutorflow-config' } }, { secretRef: { name: 'tutorflow-secrets' } }]);
    const usage = readFileSync(path.join(K8S, 'ops-toolbox.yaml'), 'utf8');
    for (const [file] of usage.matchAll(/scripts\/\S+\.ts/g)) expect(existsSync(path.join(REPO_ROOT, file)), file).toBe(true);
  });
});

describe('deploy/k8s overlays', () => {
  it('differ from the base where they say so', () => {
    const staging = renderKustomization(path.join(K8S, VARIANTS.staging));
    const production = renderKustomization(path.join(K8S, VARIANTS.production));
    expect(staging.every((object) => object.kind === 'Namespace' ? object.metadata.name === 'tutorflow-staging' : object.metadata.namespace === 'tutorflow-staging')).toBe(true);
    expect((find(staging, 'PodDisruptionBudget', 'api')!.spec as Record<string, unknown>).minAvailable).toBeUndefined();
    expect(podSpec(find(production, 'Deployment', 'worker')!).containers[0]!.resources!.requests).toEqual({ cpu: '500m', memory: '1536Mi' });
    expect(podSpec(find(production, 'Deployment', 'worker')!).containers[0]!.readinessProbe!.httpGet!.path).toBe('/readyz');
    expect(podSpec(find(production, 'Deployment', 'api')!).containers[0]!.image).toBe('ghcr.io/tutorflow/tutorflow-app:0.1.0');
    expect(podSpec(find(staging, 'Deployment', 'worker')!).containers[0]!.image).toBe('ghcr.io/tutorflow/tutorflow-app:staging');
  });
});
