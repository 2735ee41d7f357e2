import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusMismatch } from './status.ts';
import type { StatusItem } from './status.ts';

const CONTROLLER = 'onramp.dev/gateway-controller';
const cond = (type: string, status: string, reason: string, observedGeneration = 1) => ({ type, status, reason, message: '', observedGeneration });

const gateway: StatusItem = {
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: 'ns', generation: 1 },
  status: {
    conditions: [cond('Accepted', 'True', 'Accepted'), cond('Programmed', 'True', 'Programmed')],
    listeners: [
      { name: 'http', attachedRoutes: 1, supportedKinds: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }], conditions: [cond('ResolvedRefs', 'True', 'ResolvedRefs')] },
      { name: 'https', attachedRoutes: 0, supportedKinds: [], conditions: [cond('ResolvedRefs', 'False', 'InvalidRouteKinds')] },
    ],
  },
};

const route: StatusItem = {
  kind: 'HTTPRoute',
  metadata: { name: 'r', namespace: 'ns', generation: 2 },
  status: {
    parents: [
      { parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', namespace: 'ns', sectionName: 'http' }, controllerName: CONTROLLER, conditions: [cond('Accepted', 'True', 'Accepted', 2), cond('ResolvedRefs', 'False', 'BackendNotFound', 2)] },
    ],
  },
};

test('Gateway conditions, listeners and generation', () => {
  const items = [gateway];
  assert.equal(statusMismatch(items, { kind: 'Gateway', name: 'gw', namespace: 'ns', conditions: [{ type: 'Accepted', status: 'True' }], observedGenerationCurrent: true }, CONTROLLER), null);
  assert.match(statusMismatch(items, { kind: 'Gateway', name: 'gw', namespace: 'ns', conditions: [{ type: 'Accepted', status: 'False' }] }, CONTROLLER) ?? '', /want Accepted=False/);
  assert.match(statusMismatch(items, { kind: 'Gateway', name: 'gw', namespace: 'ns', absentConditions: ['Programmed'] }, CONTROLLER) ?? '', /must be absent/);
  assert.equal(statusMismatch(items, { kind: 'Gateway', name: 'gw', namespace: 'ns', listeners: [{ name: 'https', supportedKinds: [], conditions: [{ type: 'ResolvedRefs', reason: 'InvalidRouteKinds' }] }] }, CONTROLLER), null);
  // attachedRoutes given: the list names all listeners.
  assert.match(statusMismatch(items, { kind: 'Gateway', name: 'gw', namespace: 'ns', listeners: [{ name: 'http', attachedRoutes: 1 }] }, CONTROLLER) ?? '', /want 1 listener statuses, have 2/);
  assert.equal(statusMismatch(items, { kind: 'Gateway', name: 'gw', namespace: 'ns', listeners: [{ name: 'http', attachedRoutes: 1 }, { name: 'https', attachedRoutes: 0 }] }, CONTROLLER), null);
  assert.match(statusMismatch(items, { kind: 'Gateway', name: 'gw', namespace: 'ns', listeners: [{ name: 'https', supportedKinds: [{ kind: 'HTTPRoute' }] }] }, CONTROLLER) ?? '', /supportedKinds lacks HTTPRoute/);
  assert.match(statusMismatch(items, { kind: 'Gateway', name: 'other', namespace: 'ns' }, CONTROLLER) ?? '', /not found/);
  const stale = { ...gateway, metadata: { ...gateway.metadata, generation: 2 } };
  assert.match(statusMismatch([stale], { kind: 'Gateway', name: 'gw', namespace: 'ns', observedGenerationCurrent: true }, CONTROLLER) ?? '', /observedGeneration 1/);
});

test('route parent entries: selection, controllerName, parentsAbsent', () => {
  const items = [route];
  const parent = { name: 'gw', namespace: 'ns' };
  assert.equal(statusMismatch(items, { kind: 'HTTPRoute', name: 'r', namespace: 'ns', parent, conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted' }, { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound' }], observedGenerationCurrent: true }, CONTROLLER), null);
  assert.match(statusMismatch(items, { kind: 'HTTPRoute', name: 'r', namespace: 'ns', parent: { name: 'other' }, conditions: [] }, CONTROLLER) ?? '', /no status for parent other/);
  assert.match(statusMismatch(items, { kind: 'HTTPRoute', name: 'r', namespace: 'ns', parent, conditions: [] }, 'someone.else/controller') ?? '', /controllerName/);
  assert.equal(statusMismatch(items, { kind: 'HTTPRoute', name: 'r', namespace: 'ns', parent: { name: 'other' }, parentsAbsent: true }, CONTROLLER), null);
  assert.match(statusMismatch(items, { kind: 'HTTPRoute', name: 'r', namespace: 'ns', parent, parentsAbsent: true }, CONTROLLER) ?? '', /want no status/);
  // A parentRef of another kind is another parent.
  assert.match(statusMismatch(items, { kind: 'HTTPRoute', name: 'r', namespace: 'ns', parent: { name: 'gw', kind: 'ListenerSet' }, conditions: [] }, CONTROLLER) ?? '', /no status for parent/);
});
