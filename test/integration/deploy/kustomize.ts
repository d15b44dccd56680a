/**
 * The part of kustomize that deploy/k8s uses, to render the overlays offline in the test run:
 * resources (files and directories), strategic-merge patches (maps merged, `null` deletes a key,
 * lists of named items merged by name), images (newName/newTag) and namespace. Anything else in a
 * kustomization.yaml is refused, so the overlays cannot silently outgrow this renderer.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [key: string]: unknown }; [key: string]: unknown };

interface Kustomization {
  resources?: string[];
  patches?: { path: string }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  namespace?: string;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'patches', 'images', 'namespace']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);

export function readYamlDocuments(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((error) => error.message).join('; ')}`);
    return doc.toJS({ maxAliasCount: 100 }) as K8sObject;
  }).filter(Boolean);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (Array.isArray(value) && Array.isArray(result[key]) && value.every((item) => isObject(item) && typeof item.name === 'string')) {
      const merged = [...(result[key] as Record<string, unknown>[])];
      for (const item of value as Record<string, unknown>[]) {
        const index = merged.findIndex((existing) => existing.name === item.name);
        if (index >= 0) merged[index] = strategicMerge(merged[index], item) as Record<string, unknown>;
        else merged.push(item);
      }
      result[key] = merged;
    } else result[key] = strategicMerge(result[key], value);
  }
  return result;
}

/** Every container list in an object's pod template (Deployments, Jobs). */
export function containersOf(object: K8sObject): Record<string, unknown>[] {
  const podSpec = (object.spec as { template?: { spec?: { containers?: unknown[]; initContainers?: unknown[] } } } | undefined)?.template?.spec;
  return [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])] as Record<string, unknown>[];
}

export function renderKustomization(directory: string): K8sObject[] {
  const kustomization = readYamlDocuments(path.join(directory, 'kustomization.yaml'))[0] as unknown as Kustomization;
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) throw new Error(`${directory}/kustomization.yaml uses ${unsupported.join(', ')}, which the test's renderer does not know`);

  let objects = (kustomization.resources ?? []).flatMap((resource) => {
    const full = path.join(directory, resource);
    return statSync(full).isDirectory() ? renderKustomization(full) : readYamlDocuments(full);
  });
  for (const { path: patchPath } of kustomization.patches ?? []) {
    for (const patch of readYamlDocuments(path.join(directory, patchPath))) {
      const index = objects.findIndex((object) => object.kind === patch.kind && object.metadata.name === patch.metadata.name);
      if (index < 0) throw new Error(`${patchPath}: no ${patch.kind} ${patch.metadata.name} to patch`);
      objects[index] = strategicMerge(objects[index], patch) as K8sObject;
    }
  }
  objects = structuredClone(objects);
  for (const object of objects) {
    for (const container of containersOf(object)) {
      const [name, tag] = String(container.image).split(':');
      const image = kustomization.images?.find((candidate) => candidate.name === name);
      if (image) container.image = `${image.newName ?? name}:${image.newTag ?? tag ?? 'latest'}`;
    }
    if (kustomization.namespace) {
      if (object.kind === 'Namespace') object.metadata.name = kustomization.namespace;
      else if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    }
  }
  return objects;
}
