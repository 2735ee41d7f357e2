import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotFromObjects } from '../../src/api/snapshot.ts';
import type { HTTPRoute, KubeObject, Service } from '../../src/api/types.ts';
import { holdLastGood } from '../../src/runtime/hold-last-good.ts';

function route(name: string, file: string, line = 1): HTTPRoute {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace: 'default' }, spec: {}, origin: { file, line } };
}
function service(name: string, file: string): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: {}, origin: { file, line: 1 } };
}
const names = (os: readonly KubeObject[]) => os.map((o) => o.metadata.name);

test('objects of a file that now has errors keep their last good version', () => {
  const good = snapshotFromObjects([route('a', 'routes.yaml'), route('b', 'routes.yaml', 10), service('s', 'svc.yaml')]);
  const broken = snapshotFromObjects([service('s', 'svc.yaml')], [{ where: 'routes.yaml:3', reason: 'YAML syntax error' }]);
  const { snapshot, held } = holdLastGood(broken, good);
  assert.deepEqual(names(snapshot.httpRoutes), ['a', 'b']);
  assert.deepEqual(held, ['HTTPRoute/default/a', 'HTTPRoute/default/b']);
  assert.deepEqual(snapshot.rejected, broken.rejected);
});

test('deletions from clean files, and objects still present, are not held', () => {
  const good = snapshotFromObjects([route('a', 'routes.yaml'), route('b', 'other.yaml'), service('s', 'svc.yaml')]);
  // routes.yaml reads fine without `a`; other.yaml has an unrelated rejected document but still defines `b`.
  const next = snapshotFromObjects([route('b', 'other.yaml'), service('s', 'svc.yaml')], [{ where: 'other.yaml:20', reason: 'kind GRPCRoute is not read' }]);
  const { snapshot, held } = holdLastGood(next, good);
  assert.deepEqual(names(snapshot.httpRoutes), ['b']);
  assert.deepEqual(held, []);
  assert.equal(snapshot, next);
});

test('nothing is held before the first good snapshot', () => {
  const broken = snapshotFromObjects([], [{ where: 'routes.yaml:1', reason: 'YAML syntax error' }]);
  assert.equal(holdLastGood(broken, null).snapshot, broken);
});
