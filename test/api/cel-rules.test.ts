// The CRDs' CEL rules onramp checks: every case in fixtures/cel-rules.yaml is one object that must be
// rejected with the given reason at file:line, or accepted when the case names no reason.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { parseManifests } from '../../src/api/parse.ts';

interface Case {
  name: string;
  kind: string;
  spec: unknown;
  reason?: string;
}

const cases = parse(readFileSync(new URL('./fixtures/cel-rules.yaml', import.meta.url), 'utf8')) as Case[];

function manifest(kind: string, spec: unknown): string {
  // A comment line first, so that the object starts on line 2 and the line number is checked for real.
  return `# ${kind}\n${stringify({ apiVersion: 'gateway.networking.k8s.io/v1', kind, metadata: { name: 'x' }, spec })}`;
}

for (const c of cases) {
  test(`${c.kind}: ${c.name}`, () => {
    const { objects, rejected } = parseManifests(manifest(c.kind, c.spec), 'case.yaml');
    if (c.reason === undefined) {
      assert.deepEqual(rejected, []);
      assert.equal(objects.length, 1);
      return;
    }
    assert.equal(objects.length, 0);
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0].where, 'case.yaml:2');
    assert.equal(rejected[0].kind, c.kind);
    // Field lines are checked in parse-manifests.test.ts; here the reasons themselves.
    const reason = rejected[0].reason.replace(/ \(line \d+\)/g, '');
    assert.ok(reason.includes(c.reason), `reason ${JSON.stringify(reason)} lacks ${JSON.stringify(c.reason)}`);
  });
}

test('HTTPRoute: at most 128 matches across all rules', () => {
  const rule = (n: number) => ({ matches: Array.from({ length: n }, (_, i) => ({ path: { value: `/p${i}` } })) });
  const over = parseManifests(manifest('HTTPRoute', { rules: [rule(50), rule(50), rule(29)] }), 'case.yaml');
  assert.match(over.rejected[0]?.reason ?? '', /the total number of matches across all rules in a route must be less than 128/);
  const limit = parseManifests(manifest('HTTPRoute', { rules: [rule(50), rule(50), rule(28)] }), 'case.yaml');
  assert.deepEqual(limit.rejected, []);
});
