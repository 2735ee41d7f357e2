// Messages between the primary and its workers are checked on arrival: a malformed one is ignored, never
// trusted, so a confused worker cannot crash the primary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readPrimaryMessage, readWorkerMessage } from '../../src/runtime/worker-protocol.ts';

test('the primary accepts ready and well-formed applied messages only', () => {
  assert.deepEqual(readWorkerMessage({ type: 'ready' }), { type: 'ready' });
  const applied = { type: 'applied', seq: 3, report: { listening: ['127.0.0.1:80'], failed: [] }, error: null, connections: 7 };
  assert.deepEqual(readWorkerMessage(applied), applied);
  const failed = { type: 'applied', seq: 4, report: null, error: 'bad config', connections: 0 };
  assert.deepEqual(readWorkerMessage(failed), failed);
  for (const bad of [
    null,
    'ready',
    42,
    { type: 'nope' },
    { type: 'applied', seq: '3', report: null, error: null, connections: 0 },
    { type: 'applied', seq: 3, report: { listening: 'x', failed: [] }, error: null, connections: 0 },
    { type: 'applied', seq: 3, report: { listening: [], failed: [{ key: 1 }] }, error: null, connections: 0 },
    { type: 'applied', seq: 3, report: null, error: 5, connections: 0 },
    { type: 'applied', seq: 3, report: null, error: null },
  ]) {
    assert.equal(readWorkerMessage(bad), null, JSON.stringify(bad));
  }
});

test('a worker accepts config and shutdown messages only', () => {
  assert.deepEqual(readPrimaryMessage({ type: 'shutdown' }), { type: 'shutdown' });
  assert.deepEqual(readPrimaryMessage({ type: 'config', seq: 1, json: '{}', extra: true }), { type: 'config', seq: 1, json: '{}' });
  for (const bad of [undefined, { type: 'config', seq: 1 }, { type: 'config', seq: 1.5, json: '{}' }, { type: 'config', seq: 1, json: {} }, { type: 'exit' }]) {
    assert.equal(readPrimaryMessage(bad), null, JSON.stringify(bad));
  }
});
