import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCases, parseCase } from './cases.ts';
import { gate } from './run.ts';
import { GATEWAY_API_DIR } from '../spec-data.ts';

const GATEWAY_API = GATEWAY_API_DIR;
const CONFORMANCE = path.join(GATEWAY_API, 'conformance');

test('every official case file loads', () => {
  const { cases, errors } = loadCases(path.join(CONFORMANCE, 'cases'), CONFORMANCE);
  assert.deepEqual(errors, []);
  assert.ok(cases.length > 100);
  const matching = cases.find((c) => c.name === 'HTTPRouteMatching');
  assert.ok(matching);
  assert.equal(matching.profile, 'GATEWAY-HTTP');
  assert.equal(matching.manifests[0], path.join(CONFORMANCE, 'tests/httproute-matching.yaml'));
  assert.equal(matching.steps[0].kind, 'expect-status');
});

test('a case of another project: manifests relative to its own folder, bad steps reported', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cases-'));
  try {
    writeFileSync(path.join(dir, 'mine.yaml'), 'name: Mine\nprofile: GATEWAY-HTTP\nfeatures: [Gateway, HTTPRoute]\nmanifests: [mine-objects.yaml]\nsteps:\n  - note: hello\n');
    writeFileSync(path.join(dir, 'bad.yaml'), 'name: Bad\nsteps:\n  - frobnicate: {}\n');
    const { cases, errors } = loadCases(dir, CONFORMANCE);
    assert.equal(cases.length, 1);
    assert.equal(cases[0].manifests[0], path.join(dir, 'mine-objects.yaml'));
    assert.deepEqual(cases[0].steps[0].body, { text: 'hello' });
    assert.match(errors[0], /unknown step kind frobnicate/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('feature gating: not supported, skipIfFeatures and requiresFeatures', () => {
  const base = parseCase('name: X\nfeatures: [Gateway, HTTPRouteCORS]\n', '/x/X.yaml', CONFORMANCE);
  assert.deepEqual(gate(base, ['Gateway']), { outcome: 'not-supported', reason: 'needs HTTPRouteCORS' });
  assert.equal(gate(base, ['Gateway', 'HTTPRouteCORS']), null);
  const skipIf = parseCase('name: Y\nfeatures: [Gateway]\nskipIfFeatures: [TLSRouteModeMixed]\n', '/x/Y.yaml', CONFORMANCE);
  assert.equal(gate(skipIf, ['Gateway', 'TLSRouteModeMixed'])?.outcome, 'passed');
  const requires = parseCase('name: Z\nfeatures: [Gateway]\nrequiresFeatures: [TLSRoute]\n', '/x/Z.yaml', CONFORMANCE);
  assert.equal(gate(requires, ['Gateway'])?.outcome, 'passed');
  assert.equal(gate(requires, ['Gateway', 'TLSRoute']), null);
});
