// Standalone metadata.generation: 1 (or the manifest's own value) at first sight, +1 on each spec change,
// unchanged by metadata-only edits or reordered keys, never lower when an object comes back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/api/types.ts';
import { GenerationTracker } from '../../src/sources/generations.ts';

const route = (spec: unknown, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'default', generation: 1, ...metadata }, spec }) as KubeObject;
const secret = (data: Record<string, string>, labels: Record<string, string> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default', generation: 1, labels }, data }) as KubeObject;

const generations = (objects: KubeObject[]) => objects.map((o) => o.metadata.generation);

test('spec changes bump the generation; labels, annotations and key order do not', () => {
  const tracker = new GenerationTracker();
  assert.deepEqual(generations(tracker.assign([route({ hostnames: ['a.example.com'], parentRefs: [{ name: 'g' }] })])), [1]);
  assert.deepEqual(generations(tracker.assign([route({ parentRefs: [{ name: 'g' }], hostnames: ['a.example.com'] }, { labels: { a: 'b' } })])), [1]);
  assert.deepEqual(generations(tracker.assign([route({ parentRefs: [{ name: 'g' }], hostnames: ['b.example.com'] })])), [2]);
  assert.deepEqual(generations(tracker.assign([route({ parentRefs: [{ name: 'g' }], hostnames: ['b.example.com'] }, { annotations: { x: 'y' } })])), [2]);
});

test('kinds without spec count data changes', () => {
  const tracker = new GenerationTracker();
  assert.deepEqual(generations(tracker.assign([secret({ a: 'YQ==' })])), [1]);
  assert.deepEqual(generations(tracker.assign([secret({ a: 'YQ==' }, { team: 'x' })])), [1]);
  assert.deepEqual(generations(tracker.assign([secret({ a: 'Yg==' })])), [2]);
});

test('the manifest generation is the starting point, and an object that comes back keeps counting', () => {
  const tracker = new GenerationTracker();
  assert.deepEqual(generations(tracker.assign([route({}, { generation: 7 })])), [7]);
  assert.deepEqual(generations(tracker.assign([])), []);
  assert.deepEqual(generations(tracker.assign([route({ hostnames: ['c.example.com'] })])), [8]);
  assert.deepEqual(generations(tracker.assign([route({ hostnames: ['c.example.com'] })])), [8]);
});

test('the objects given are not modified', () => {
  const tracker = new GenerationTracker();
  tracker.assign([route({ a: 1 })]);
  const input = Object.freeze(route({ a: 2 }));
  Object.freeze(input.metadata);
  const [out] = tracker.assign([input]);
  assert.equal(input.metadata.generation, 1);
  assert.equal(out.metadata.generation, 2);
});

test('an unchanged object comes out as the same object on every assign, also once its generation was bumped', () => {
  const tracker = new GenerationTracker();
  tracker.assign([route({ parentRefs: [{ name: 'g' }] })]);
  const edited = route({ parentRefs: [{ name: 'h' }] });
  const [first] = tracker.assign([edited]);
  const [again] = tracker.assign([edited]);
  assert.equal(first.metadata.generation, 2);
  assert.equal(again, first);
});
