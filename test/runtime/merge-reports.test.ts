// With --workers N every worker reports on the same sockets; the primary merges the reports so that a port
// that failed in any worker is reported failed, as with one process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeApplyReports } from '../../src/runtime/merge-reports.ts';

test('ports listening in every worker stay listening; a port failed in any worker is failed', () => {
  const merged = mergeApplyReports([
    { listening: ['127.0.0.1:80', '127.0.0.1:443'], failed: [] },
    { listening: ['127.0.0.1:80'], failed: [{ key: '127.0.0.1:443', error: 'EADDRINUSE' }] },
    { listening: ['127.0.0.1:80'], failed: [{ key: '127.0.0.1:443', error: 'EACCES' }, { key: '127.0.0.1:22', error: 'EACCES' }] },
  ]);
  assert.deepEqual(merged, {
    listening: ['127.0.0.1:80'],
    failed: [
      { key: '127.0.0.1:22', error: 'EACCES' },
      { key: '127.0.0.1:443', error: 'EADDRINUSE' },
    ],
  });
});

test('one report merges to itself, none to an empty report', () => {
  const one = { listening: ['127.0.0.1:80'], failed: [{ key: '127.0.0.1:81', error: 'EADDRINUSE' }] };
  assert.deepEqual(mergeApplyReports([one]), one);
  assert.deepEqual(mergeApplyReports([]), { listening: [], failed: [] });
});
