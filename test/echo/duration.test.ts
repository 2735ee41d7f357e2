import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration } from '../../src/echo/duration.ts';

test('Go duration syntax', () => {
  assert.equal(parseGoDuration('1s'), 1000);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('-2s'), -2000);
  assert.equal(parseGoDuration('10'), null);
  assert.equal(parseGoDuration(''), null);
  assert.equal(parseGoDuration('1d'), null);
});
