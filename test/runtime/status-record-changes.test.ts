// The status store looks only at the status objects that changed when the same objects come back in the same
// order, and at the whole list otherwise. Either way the times are what recording every status gives:
// unchanged objects keep their lastTransitionTime, a changed condition moves, a removed object is forgotten.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptySnapshot } from '../../src/api/snapshot.ts';
import type { HTTPRoute, Snapshot } from '../../src/api/types.ts';
import { StatusStore } from '../../src/runtime/status-store.ts';
import type { ObjectStatus, TranslateResult } from '../../src/translate/types.ts';

const GW = 'gateway.networking.k8s.io/v1';

const route = (name: string): HTTPRoute => ({ apiVersion: GW, kind: 'HTTPRoute', metadata: { name, namespace: 'default', generation: 1 }, spec: {} });

function routeStatus(name: string, accepted: 'True' | 'False'): ObjectStatus {
  return {
    apiVersion: GW,
    kind: 'HTTPRoute',
    name,
    namespace: 'default',
    generation: 1,
    status: {
      parents: [
        {
          parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'default', name: 'gw' },
          controllerName: 'example.com/c',
          conditions: [{ type: 'Accepted', status: accepted, reason: accepted === 'True' ? 'Accepted' : 'NotAllowedByListeners', message: '', observedGeneration: 1 }],
        },
      ],
    },
  };
}

const result = (statuses: ObjectStatus[]): TranslateResult => ({ config: { ports: [], certificates: {} }, statuses });
const snapshotOf = (names: string[]): Snapshot => ({ ...emptySnapshot(), httpRoutes: names.map(route) });

function times(store: StatusStore): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of store.list().items) {
    const parents = (item.status as { parents?: { conditions: { lastTransitionTime: string }[] }[] }).parents;
    if (parents) out[item.metadata.name] = parents[0].conditions[0].lastTransitionTime;
  }
  return out;
}

test('only changed status objects move their times; removed objects are forgotten', () => {
  let now = new Date('2026-01-01T00:00:00.000Z');
  const store = new StatusStore(() => now);
  const names = ['a', 'b', 'c', 'd'];
  const first = names.map((n) => routeStatus(n, 'True'));
  store.record(snapshotOf(names), result(first));
  const t0 = '2026-01-01T00:00:00Z';
  assert.deepEqual(times(store), { a: t0, b: t0, c: t0, d: t0 });

  // Same objects but b (a new object whose condition flipped) and c (a new object, same conditions).
  now = new Date('2026-01-01T00:01:00.000Z');
  const second = [first[0], routeStatus('b', 'False'), routeStatus('c', 'True'), first[3]];
  store.record(snapshotOf(names), result(second));
  const t1 = '2026-01-01T00:01:00Z';
  assert.deepEqual(times(store), { a: t0, b: t1, c: t0, d: t0 });

  // c is gone: the whole list is recorded, and c's entry is dropped (it comes back as new).
  now = new Date('2026-01-01T00:02:00.000Z');
  store.record(snapshotOf(['a', 'b', 'd']), result([second[0], second[1], second[3]]));
  assert.deepEqual(times(store), { a: t0, b: t1, d: t0 });
  now = new Date('2026-01-01T00:03:00.000Z');
  store.record(snapshotOf(names), result([second[0], second[1], routeStatus('c', 'True'), second[3]]));
  assert.deepEqual(times(store), { a: t0, b: t1, c: '2026-01-01T00:03:00Z', d: t0 });
});
