// Manifests as the conformance suite applies them: multi-document YAML, with the substitutions the suite
// makes in every object (conformance/suite.yaml, manifestSubstitutions), kept by object key so that a case
// can patch and delete what it applied.

import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** An object as written in a manifest: free-form, with the fields every Kubernetes object has. */
export interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface Substitutions {
  gatewayClassName: string;
  controllerName: string;
  /** Addresses onramp can serve on (the suite's --usable-address), written as IPAddress entries. */
  usableAddresses: readonly string[];
  /** Addresses onramp cannot serve on (the suite's --unusable-address). */
  unusableAddresses: readonly string[];
}

/** Kinds that have no namespace; every other kind defaults to `default`, as kubectl does. */
const CLUSTER_SCOPED = new Set(['Namespace', 'GatewayClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

export function objectKey(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  const ns = CLUSTER_SCOPED.has(o.kind) ? '' : (o.metadata.namespace ?? 'default');
  return `${o.kind}/${ns}/${o.metadata.name}`;
}

export function parseManifestText(text: string, where: string): Obj[] {
  const out: Obj[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${where}: ${doc.errors[0].message}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const o = value as Obj;
    if (typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') throw new Error(`${where}: object without kind or metadata.name`);
    out.push(o);
  }
  return out;
}

export function readManifests(file: string): Obj[] {
  return parseManifestText(readFileSync(file, 'utf8'), file);
}

function poolEntries(addresses: readonly string[]): { type: string; value: string }[] {
  return addresses.map((value) => ({ type: 'IPAddress', value }));
}

/** The suite's rewrite of Gateway spec.addresses (see suite.yaml): placeholders become the address pools. */
export function substituteAddresses(entries: unknown, subs: Substitutions): unknown {
  if (!Array.isArray(entries)) return entries;
  const out: unknown[] = [];
  for (const e of entries) if ((e as { type?: string })?.type === 'test/fake-invalid-type') out.push(e);
  if (entries.some((e) => (e as { value?: string })?.value === 'PLACEHOLDER_UNUSABLE_ADDRS')) out.push(...poolEntries(subs.unusableAddresses));
  if (entries.some((e) => (e as { value?: string })?.value === 'PLACEHOLDER_USABLE_ADDRS')) out.push(...poolEntries(subs.usableAddresses));
  return out;
}

/** A copy of `o` with the suite's substitutions made. */
export function substitute(o: Obj, subs: Substitutions): Obj {
  const copy = structuredClone(o);
  const spec = copy.spec as Record<string, unknown> | undefined;
  if (copy.kind === 'Gateway' && spec !== undefined) {
    spec.gatewayClassName = subs.gatewayClassName;
    if (spec.addresses !== undefined) spec.addresses = substituteAddresses(spec.addresses, subs);
  }
  if (copy.kind === 'GatewayClass' && spec !== undefined) spec.controllerName = subs.controllerName;
  return copy;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return structuredClone(patch);
  const base: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? structuredClone(target as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v);
  }
  return base;
}

/** The GatewayClass the suite expects to exist (it does not create it; a cluster admin would). */
export function conformanceGatewayClass(subs: Substitutions): Obj {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: subs.gatewayClassName },
    spec: { controllerName: subs.controllerName },
  };
}
