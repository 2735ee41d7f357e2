// Bad input never crashes translate: every field of the objects of a few rich scenarios is, in turn,
// removed or replaced by a value of the wrong type, and translate must still return plain data.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { KubeObject, Snapshot } from '../../src/api/types.ts';
import { snapshotFromObjects } from '../../src/api/snapshot.ts';
import { translate } from '../../src/translate/index.ts';
import { loadScenario } from './load.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');

const SCENARIOS = [
  'gateway-https-certificate-key-mismatch',
  'gateway-static-address-usable',
  'gatewayclass-parameters-configmap',
  'httproute-allowed-routes-selector',
  'httproute-backend-endpoints-from-slices',
  'httproute-cross-namespace-backend-with-grant',
  'httproute-extension-ref-unresolved',
  'httproute-invalid-regex',
  'httproute-precedence-across-routes',
  'httproute-redirect-scheme-and-port',
  'httproute-request-header-modifier',
  'httproute-url-rewrite',
  'gateway-listener-hostnames-order',
  'gateway-invalid-route-kinds-mixed',
  'gateway-unsupported-address-type',
  'gateways-sharing-address-protocol-conflict',
  'gateway-https-certificate-cross-namespace-with-grant',
  'httproute-hostname-intersection',
  'httproute-multiple-parent-refs-attached-routes',
  'httproute-port-not-matching',
  'httproute-backend-externalname',
  'httproute-backend-h2c-app-protocol',
  'httproute-redirect-path',
  'httproute-request-mirror',
];

const WRONG_VALUES: unknown[] = [undefined, null, 'x', 7, [], {}];

function objectsOf(snapshot: Snapshot): KubeObject[] {
  return Object.entries(snapshot).flatMap(([list, items]) => (list === 'rejected' ? [] : (items as KubeObject[])));
}

/** Paths to every field below the top level of an object, e.g. ['spec', 'rules', 0, 'matches']. */
function fieldPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const out: (string | number)[][] = [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [k, v] of entries) {
    const p = [...prefix, k];
    out.push(p);
    out.push(...fieldPaths(v, p));
  }
  return out;
}

function withValue(object: KubeObject, fieldPath: (string | number)[], value: unknown): KubeObject {
  const copy = structuredClone(object) as unknown as Record<string | number, unknown>;
  let node = copy;
  for (const k of fieldPath.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = fieldPath[fieldPath.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy as unknown as KubeObject;
}

for (const name of SCENARIOS) {
  test(`translate survives malformed fields in ${name}`, () => {
    const { snapshot, options } = loadScenario(readFileSync(path.join(dir, `${name}.in.yaml`), 'utf8'));
    const objects = objectsOf(snapshot);
    let runs = 0;
    const failures: string[] = [];
    objects.forEach((object, index) => {
      for (const fieldPath of fieldPaths(object)) {
        // kind, apiVersion and metadata.name/namespace are what the source keys objects by: always present.
        if (fieldPath[0] === 'kind' || fieldPath[0] === 'apiVersion') continue;
        if (fieldPath[0] === 'metadata' && (fieldPath.length === 1 || fieldPath[1] === 'name' || fieldPath[1] === 'namespace')) continue;
        for (const value of WRONG_VALUES) {
          const mutated = objects.map((o, i) => (i === index ? withValue(o, fieldPath, value) : o));
          const what = `${object.kind} ${object.metadata.name}: ${fieldPath.join('.')} = ${JSON.stringify(value)}`;
          runs++;
          try {
            const result = translate(snapshotFromObjects(mutated), options);
            if (!isDeepStrictEqual(JSON.parse(JSON.stringify(result)), result)) failures.push(`${what}: result is not plain JSON data`);
          } catch (err) {
            failures.push(`${what}: ${(err as Error).stack?.split('\n').slice(0, 2).join(' ')}`);
          }
        }
      }
    });
    assert.deepEqual(failures, []);
    assert.ok(runs > 0);
  });
}
