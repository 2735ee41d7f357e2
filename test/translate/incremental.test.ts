// translate keeps per-route work across calls, keyed by object identity. Whatever it reuses, each result
// must equal a translate of a structural clone of the same snapshot (a clone shares no object with any
// earlier input, and it is translated right after an empty snapshot, so nothing can be reused for it):
// first the snapshot, then the same snapshot with one HTTPRoute replaced by a changed object, then with a
// Service changed, then an EndpointSlice, then a Gateway, then a Namespace.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { emptySnapshot } from '../../src/api/snapshot.ts';
import type { Snapshot } from '../../src/api/types.ts';
import { translate } from '../../src/translate/index.ts';
import type { TranslateOptions, TranslateResult } from '../../src/translate/types.ts';
import { loadScenario } from './load.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');

type Change = (s: Snapshot) => Snapshot | null;

/** Replaces element `i` of list `key` with a changed clone; the other elements stay the same objects. */
function replaced<K extends keyof Snapshot>(s: Snapshot, key: K, i: number, edit: (o: Snapshot[K][number]) => void): Snapshot {
  const items = [...s[key]] as Snapshot[K][number][];
  const copy = structuredClone(items[i]);
  edit(copy);
  items[i] = copy;
  return { ...s, [key]: items };
}

const changes: Record<string, Change> = {
  'one HTTPRoute': (s) =>
    s.httpRoutes.length === 0
      ? null
      : replaced(s, 'httpRoutes', s.httpRoutes.length - 1, (r) => {
          const rules = r.spec?.rules ?? [];
          if (rules.length > 0) rules[0] = { ...rules[0], matches: [{ path: { type: 'PathPrefix', value: '/changed' } }] };
          r.metadata.generation = (r.metadata.generation ?? 1) + 1;
        }),
  'one Service': (s) =>
    s.services.length === 0
      ? null
      : replaced(s, 'services', 0, (svc) => {
          const port = svc.spec?.ports?.[0];
          if (port) port.port += 1;
        }),
  'one EndpointSlice': (s) =>
    s.endpointSlices.length === 0
      ? null
      : replaced(s, 'endpointSlices', 0, (slice) => {
          slice.endpoints = [{ addresses: ['127.0.9.9'], conditions: { ready: true } }];
        }),
  'one Gateway': (s) =>
    s.gateways.length === 0
      ? null
      : replaced(s, 'gateways', 0, (g) => {
          for (const l of g.spec?.listeners ?? []) l.allowedRoutes = { namespaces: { from: 'All' } };
        }),
  'one ReferenceGrant removed': (s) =>
    s.referenceGrants.length === 0 ? null : { ...s, referenceGrants: s.referenceGrants.slice(1) },
  'one Namespace relabelled': (s) =>
    s.namespaces.length === 0
      ? null
      : replaced(s, 'namespaces', 0, (n) => {
          n.metadata.labels = { ...n.metadata.labels, relabelled: 'yes' };
        }),
};

/**
 * A translate that reuses nothing: of a clone (no object in common with earlier inputs), right after a
 * translate of an empty snapshot (what translate keeps from its last call is then empty).
 */
function fresh(snapshot: Snapshot, options: TranslateOptions): TranslateResult {
  translate(emptySnapshot(), options);
  return translate(structuredClone(snapshot), options);
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.in.yaml')).sort()) {
  const name = file.slice(0, -'.in.yaml'.length);
  test(`${name}: translate after a change equals a fresh translate`, () => {
    const { snapshot, options } = loadScenario(readFileSync(path.join(dir, file), 'utf8'));
    // Every change in a row, so that each translate can reuse what the one before it kept; then each
    // snapshot again with nothing to reuse. Results are read-only data, so keeping them around is safe.
    const kept: [string, Snapshot, TranslateResult][] = [['first translate', snapshot, translate(snapshot, options)]];
    let current = snapshot;
    for (const [what, change] of Object.entries(changes)) {
      const next = change(current);
      if (next === null) continue;
      kept.push([`after changing ${what}`, next, translate(next, options)]);
      current = next;
    }
    // Back to the first snapshot: its objects are still known, and must give its result again.
    kept.push(['back to the first snapshot', snapshot, translate(snapshot, options)]);
    for (const [what, s, result] of kept) assert.deepEqual(result, fresh(s, options), what);
  });
}
