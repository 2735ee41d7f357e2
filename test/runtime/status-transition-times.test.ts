import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptySnapshot } from '../../src/api/snapshot.ts';
import type { Gateway, Snapshot } from '../../src/api/types.ts';
import { StatusStore } from '../../src/runtime/status-store.ts';
import type { GatewayStatus, ObjectStatus, TranslateResult } from '../../src/translate/types.ts';

const gateway: Gateway = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: 'default', generation: 2 },
  spec: { gatewayClassName: 'onramp', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
};
const snapshot: Snapshot = { ...emptySnapshot(), gateways: [gateway] };

function result(programmed: 'True' | 'False'): TranslateResult {
  const status: ObjectStatus = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    name: 'gw',
    namespace: 'default',
    generation: 2,
    status: {
      addresses: [{ type: 'IPAddress', value: '127.0.1.1' }],
      conditions: [
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: '', observedGeneration: 2 },
        { type: 'Programmed', status: programmed, reason: programmed === 'True' ? 'Programmed' : 'Invalid', message: '', observedGeneration: 2 },
      ],
      listeners: [
        {
          name: 'http',
          attachedRoutes: 0,
          supportedKinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }],
          conditions: [{ type: 'Programmed', status: programmed, reason: 'Programmed', message: '', observedGeneration: 2 }],
        },
      ],
    },
  };
  return { config: { ports: [], certificates: {} }, statuses: [status] };
}

test('lastTransitionTime stays while a condition keeps its status and moves when it changes', () => {
  let now = new Date('2026-01-01T00:00:00.000Z');
  const store = new StatusStore(() => now);
  const first = store.update(snapshot, result('True'));
  const item = first.items[0];
  assert.deepEqual(item.metadata, { name: 'gw', namespace: 'default', generation: 2 });
  assert.deepEqual(item.spec, gateway.spec);
  const conds = (item.status.conditions as { type: string; lastTransitionTime: string }[]);
  assert.ok(conds.every((c) => c.lastTransitionTime === '2026-01-01T00:00:00Z'));

  now = new Date('2026-01-01T00:01:00.000Z');
  const second = store.update(snapshot, result('False'));
  const s = second.items[0].status as { conditions: { type: string; lastTransitionTime: string }[]; listeners: { conditions: { lastTransitionTime: string }[] }[] };
  assert.equal(s.conditions.find((c) => c.type === 'Accepted')?.lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(s.conditions.find((c) => c.type === 'Programmed')?.lastTransitionTime, '2026-01-01T00:01:00Z');
  assert.equal(s.listeners[0].conditions[0].lastTransitionTime, '2026-01-01T00:01:00Z');

  now = new Date('2026-01-01T00:02:00.000Z');
  const third = store.update(snapshot, result('False'));
  const t3 = third.items[0].status as { conditions: { type: string; lastTransitionTime: string }[] };
  assert.equal(t3.conditions.find((c) => c.type === 'Programmed')?.lastTransitionTime, '2026-01-01T00:01:00Z');
});

test('objects without a status from translate are listed with an empty status', () => {
  const store = new StatusStore(() => new Date(0));
  const list = store.update(snapshot, { config: { ports: [], certificates: {} }, statuses: [] });
  assert.equal(list.kind, 'List');
  assert.deepEqual(list.items[0].status, {});
});

test('a condition keeps its time when the conditions around it change, and a returning object starts afresh', () => {
  let now = new Date('2026-01-01T00:00:00.000Z');
  const store = new StatusStore(() => now);
  store.record(snapshot, result('True'));

  // Same types and statuses, but the listener list gains a listener: the keyed comparison applies.
  now = new Date('2026-01-01T00:01:00.000Z');
  const grown = result('True');
  const status = grown.statuses[0].status as GatewayStatus;
  status.listeners.unshift({ name: 'https', attachedRoutes: 0, supportedKinds: [], conditions: [{ type: 'Programmed', status: 'True', reason: 'Programmed', message: '', observedGeneration: 2 }] });
  const list = store.update(snapshot, grown);
  const s = list.items[0].status as { conditions: { lastTransitionTime: string }[]; listeners: { name: string; conditions: { lastTransitionTime: string }[] }[] };
  assert.ok(s.conditions.every((c) => c.lastTransitionTime === '2026-01-01T00:00:00Z'));
  assert.equal(s.listeners.find((l) => l.name === 'http')?.conditions[0].lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(s.listeners.find((l) => l.name === 'https')?.conditions[0].lastTransitionTime, '2026-01-01T00:01:00Z');

  // Gone for one reconcile, then back: its conditions transitioned when it came back.
  store.record(snapshot, { config: { ports: [], certificates: {} }, statuses: [] });
  now = new Date('2026-01-01T00:02:00.000Z');
  const back = store.update(snapshot, result('True')).items[0].status as { conditions: { lastTransitionTime: string }[] };
  assert.ok(back.conditions.every((c) => c.lastTransitionTime === '2026-01-01T00:02:00Z'));
});

test('the listed statuses are copies: translate results stay untouched and the list is rebuilt after each record', () => {
  const store = new StatusStore(() => new Date(0));
  const r = result('True');
  const frozen = structuredClone(r);
  store.record(snapshot, r);
  const first = store.list();
  assert.equal(store.list(), first);
  (first.items[0].status.conditions as { message: string }[])[0].message = 'changed by a reader';
  assert.deepEqual(r, frozen);
  store.record(snapshot, result('True'));
  const second = store.list();
  assert.notEqual(second, first);
  assert.equal((second.items[0].status.conditions as { message: string }[])[0].message, '');
});
