// `onramp check` as a user runs it: exit codes, the printed List with statuses, rejections on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(REPO_ROOT, 'bin/onramp.js');
const QUICKSTART = path.join(REPO_ROOT, 'examples/quickstart');

interface Item {
  kind: string;
  metadata: { name: string; namespace?: string; generation: number };
  status: {
    conditions?: { type: string; status: string; reason: string; lastTransitionTime: string }[];
    parents?: { parentRef: { name: string }; conditions: { type: string; status: string; reason: string }[] }[];
  };
}

function onramp(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function condition(list: { type: string; status: string; reason: string }[] | undefined, type: string) {
  return list?.find((c) => c.type === type);
}

test('check on the quickstart prints Accepted statuses as a List and exits 0', async () => {
  const [yamlRun, jsonRun] = await Promise.all([onramp('check', '-f', QUICKSTART), onramp('check', '-f', QUICKSTART, '-o', 'json')]);
  assert.equal(yamlRun.code, 0, yamlRun.stderr);
  assert.equal(yamlRun.stderr, '');
  const list = parse(yamlRun.stdout) as { apiVersion: string; kind: string; items: Item[] };
  assert.equal(list.apiVersion, 'v1');
  assert.equal(list.kind, 'List');
  assert.deepEqual(JSON.parse(jsonRun.stdout).items.map((i: Item) => i.kind), list.items.map((i) => i.kind));

  const byKind = (kind: string) => list.items.find((i) => i.kind === kind);
  assert.equal(condition(byKind('GatewayClass')?.status.conditions, 'Accepted')?.status, 'True');
  const gw = byKind('Gateway');
  assert.equal(condition(gw?.status.conditions, 'Accepted')?.status, 'True');
  assert.equal(condition(gw?.status.conditions, 'Programmed')?.status, 'True');
  assert.ok(gw?.status.conditions?.every((c) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(c.lastTransitionTime)));
  const route = byKind('HTTPRoute');
  assert.equal(route?.metadata.generation, 1);
  assert.equal(condition(route?.status.parents?.[0].conditions, 'Accepted')?.status, 'True');
  assert.equal(condition(route?.status.parents?.[0].conditions, 'ResolvedRefs')?.status, 'True');
});

test('check reports rejected objects as file:line: reason and unaccepted route parents, and exits 1', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'onramp-check-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const broken = path.join(dir, 'broken.yaml');
  await writeFile(broken, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: ok\nspec:\n  ports: [{port: 80}]\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: bad\nspec:\n  rules: 12\n');
  const orphan = path.join(dir, 'orphan.yaml');
  await writeFile(
    orphan,
    'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: orphan\nspec:\n  parentRefs: [{name: quickstart}]\n  rules: [{backendRefs: [{name: echo, port: 3000}]}]\n',
  );

  const rejected = await onramp('check', '-f', broken);
  assert.equal(rejected.code, 1);
  assert.match(rejected.stderr, new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8: .+`, 'm'));

  // The orphan route's Gateway exists (quickstart) but the route's parentRef names it in `default`: accepted.
  const fine = await onramp('check', '-f', QUICKSTART, '-f', orphan);
  assert.equal(fine.code, 0, fine.stderr);

  // Without the quickstart, the parent Gateway is missing: not Accepted, exit 1.
  const missing = await onramp('check', '-f', orphan, '-o', 'json');
  assert.equal(missing.code, 1);
  assert.equal(JSON.parse(missing.stdout).kind, 'List');

  const nothing = await onramp('check', '-f', path.join(dir, 'does-not-exist.yaml'));
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, /does-not-exist\.yaml/);
});

test('check prints the conditions a controller would write for bad references', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'onramp-check-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const routes = path.join(dir, 'routes.yaml');
  await writeFile(
    routes,
    `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: missing-backend, namespace: default}
spec:
  parentRefs: [{name: quickstart}]
  rules: [{backendRefs: [{name: nowhere, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: wrong-section, namespace: default}
spec:
  parentRefs: [{name: quickstart, sectionName: https}]
  rules: [{backendRefs: [{name: echo, port: 3000}]}]
`,
  );
  const r = await onramp('check', '-f', QUICKSTART, '-f', routes);
  assert.equal(r.code, 1, 'a parent that does not accept the route fails the check');
  const items = (parse(r.stdout) as { items: Item[] }).items;
  const missing = items.find((i) => i.metadata.name === 'missing-backend')?.status.parents?.[0].conditions;
  assert.equal(condition(missing, 'Accepted')?.status, 'True');
  assert.deepEqual([condition(missing, 'ResolvedRefs')?.status, condition(missing, 'ResolvedRefs')?.reason], ['False', 'BackendNotFound']);
  const wrong = items.find((i) => i.metadata.name === 'wrong-section')?.status.parents?.[0].conditions;
  assert.deepEqual([condition(wrong, 'Accepted')?.status, condition(wrong, 'Accepted')?.reason], ['False', 'NoMatchingParent']);
  assert.match(r.stderr, /HTTPRoute default\/wrong-section: parent default\/quickstart\/https: Accepted=False \(NoMatchingParent\)/);
  assert.doesNotMatch(r.stderr, /missing-backend/);
});
