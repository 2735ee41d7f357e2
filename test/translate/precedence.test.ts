import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MatchConfig } from '../../src/config/types.ts';
import { comparePrecedence, timestampOf, type PrecedenceKey } from '../../src/translate/precedence.ts';

function key(match: Partial<MatchConfig>, extra: Partial<PrecedenceKey> = {}): PrecedenceKey {
  return {
    match: { path: { type: 'PathPrefix', value: '/' }, method: null, headers: [], queryParams: [], ...match },
    creationTimestamp: '',
    route: 'default/r',
    ruleIndex: 0,
    matchIndex: 0,
    ...extra,
  };
}

const header = { name: 'h', type: 'Exact' as const, value: 'v' };
const query = { name: 'q', type: 'Exact' as const, value: 'v' };

test('the spec criteria order matches, continuing on ties', () => {
  const entries: [string, PrecedenceKey][] = [
    ['regex', key({ path: { type: 'RegularExpression', value: '^/a/.*$' } })],
    ['prefix-short', key({ path: { type: 'PathPrefix', value: '/a' } })],
    ['query', key({ path: { type: 'PathPrefix', value: '/a' }, queryParams: [query] })],
    ['one-header', key({ path: { type: 'PathPrefix', value: '/a' }, headers: [header] })],
    ['two-headers-and-query', key({ path: { type: 'PathPrefix', value: '/a' }, headers: [header, { ...header, name: 'g' }] })],
    ['method', key({ path: { type: 'PathPrefix', value: '/a' }, method: 'GET' })],
    ['prefix-long', key({ path: { type: 'PathPrefix', value: '/a/b' } })],
    ['exact', key({ path: { type: 'Exact', value: '/a' } })],
  ];
  const order = [...entries].reverse().sort((x, y) => comparePrecedence(x[1], y[1])).map(([n]) => n);
  assert.deepEqual(order, ['exact', 'prefix-long', 'method', 'two-headers-and-query', 'one-header', 'query', 'prefix-short', 'regex']);
});

test('ties go to the oldest route, then namespace/name, then rule and match order', () => {
  const older = key({}, { creationTimestamp: '2020-09-08T01:02:03.000Z', route: 'z/z' });
  const newer = key({}, { creationTimestamp: '2020-09-08T01:02:04.000Z', route: 'a/a' });
  const unknown = key({}, { route: 'a/0' });
  assert.ok(comparePrecedence(older, newer) < 0);
  assert.ok(comparePrecedence(newer, unknown) < 0, 'a route without creationTimestamp counts as newest');
  assert.ok(comparePrecedence(key({}, { route: 'foo/bar' }), key({}, { route: 'foo/baz' })) < 0);
  assert.ok(comparePrecedence(key({}, { ruleIndex: 0, matchIndex: 3 }), key({}, { ruleIndex: 1 })) < 0);
  assert.ok(comparePrecedence(key({}, { matchIndex: 0 }), key({}, { matchIndex: 1 })) < 0);
});

test('creationTimestamp is read from strings and Dates alike', () => {
  assert.equal(timestampOf('2024-01-02T03:04:05Z'), '2024-01-02T03:04:05.000Z');
  assert.equal(timestampOf(new Date('2024-01-02T03:04:05Z')), '2024-01-02T03:04:05.000Z');
  assert.equal(timestampOf(undefined), '');
  assert.equal(timestampOf('not a time'), '');
});
