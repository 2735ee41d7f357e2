// Objects the API server would refuse are rejected at their file:line with reasons that name the field and,
// for early-draft manifests, the v1 field to use instead. Cases: fixtures/invalid-objects.yaml.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { parseManifests } from '../../src/api/parse.ts';

interface Case {
  name: string;
  manifest: Record<string, unknown>;
  reasons: string[];
  absent?: string[];
}

const cases = parse(readFileSync(new URL('./fixtures/invalid-objects.yaml', import.meta.url), 'utf8')) as Case[];

for (const c of cases) {
  test(c.name, () => {
    // Preceded by a valid object, so that the line number and the independence of documents are checked too.
    const text = `apiVersion: v1\nkind: Namespace\nmetadata: {name: fine}\n---\n${stringify(c.manifest)}`;
    const { objects, rejected } = parseManifests(text, 'objects.yaml');
    assert.deepEqual(objects.map((o) => o.metadata.name), ['fine']);
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0].where, 'objects.yaml:5');
    assert.equal(rejected[0].kind, c.manifest.kind);
    // Field lines are checked in parse-manifests.test.ts; here the reasons themselves.
    const reasons = rejected[0].reason.replace(/ \(line \d+\)/g, '');
    for (const reason of c.reasons) assert.ok(reasons.includes(reason), `reason ${JSON.stringify(reasons)} lacks ${JSON.stringify(reason)}`);
    for (const text of c.absent ?? []) assert.ok(!rejected[0].reason.includes(text), `reason must not contain ${text}`);
  });
}
