import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { buildReport, profileLines, reportYaml } from './report.ts';
import type { CaseResult } from './report.ts';
import { PROFILES } from './profiles.ts';

const http = PROFILES.filter((p) => p.name === 'GATEWAY-HTTP');
const result = (name: string, features: string[], outcome: CaseResult['outcome'], extra: Partial<CaseResult> = {}): CaseResult => ({ name, profile: 'GATEWAY-HTTP', features, provisional: false, outcome, ...extra });

test('a ConformanceReport with core and extended statistics, features and provisional passes', () => {
  const results = [
    result('A', ['Gateway', 'HTTPRoute'], 'passed'),
    result('B', ['Gateway', 'HTTPRoute'], 'failed', { reason: 'step 1' }),
    result('C', ['Gateway', 'HTTPRoute', 'HTTPRouteMethodMatching'], 'passed', { provisional: true, partial: ['x'] }),
    result('D', ['Gateway', 'HTTPRoute', 'HTTPRouteCORS'], 'not-supported'),
  ];
  const report = buildReport({
    implementation: { organization: 'o', project: 'p', url: 'u', version: 'v1', contact: [] },
    gatewayAPIVersion: 'v1.6.1',
    gatewayAPIChannel: 'standard',
    mode: 'default',
    date: '2026-01-01T00:00:00Z',
    profiles: http,
    supportedFeatures: ['Gateway', 'HTTPRoute', 'ReferenceGrant', 'HTTPRouteMethodMatching'],
    results,
  });
  const yaml = reportYaml(report, results);
  assert.match(yaml, /^# Partially covered .*: C\n/);
  const doc = parse(yaml);
  assert.equal(doc.kind, 'ConformanceReport');
  assert.equal(doc.apiVersion, 'gateway.networking.k8s.io/v1');
  const p = doc.profiles[0];
  assert.equal(p.name, 'GATEWAY-HTTP');
  assert.deepEqual(p.core, { result: 'failure', statistics: { Failed: 1, Passed: 1, Skipped: 0 }, failedTests: ['B'] });
  assert.equal(p.extended.result, 'success');
  assert.deepEqual(p.extended.statistics, { Failed: 0, Passed: 1, Skipped: 0 });
  assert.deepEqual(p.extended.supportedFeatures, ['HTTPRouteMethodMatching']);
  assert.ok(p.extended.unsupportedFeatures.includes('HTTPRouteCORS'));
  assert.equal(p.summary, 'Core tests failed with 1 test failures. Extended tests succeeded.');
  assert.deepEqual(doc.succeededProvisionalTests, ['C']);
  assert.match(profileLines(report)[0], /^GATEWAY-HTTP: core failure \(1 passed, 1 failed, 0 skipped\)/);
});
