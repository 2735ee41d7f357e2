import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptySnapshot } from '../../src/api/snapshot.ts';
import type { Snapshot } from '../../src/api/types.ts';
import type { Config } from '../../src/config/types.ts';
import type { ApplyReport, DataPlane } from '../../src/dataplane/types.ts';
import { silentLogger } from '../../src/log.ts';
import { Reconciler } from '../../src/runtime/reconciler.ts';
import type { TranslateResult } from '../../src/translate/types.ts';

/** A snapshot tagged through a Namespace name, so the fake translate can tell snapshots apart. */
function tagged(tag: string): Snapshot {
  return { ...emptySnapshot(), namespaces: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: tag } }] };
}

function configFor(tag: string): Config {
  return { ports: [{ key: `${tag}:80`, address: '127.0.0.1', port: 80, protocol: 'HTTP', listeners: [] }], certificates: {} };
}

function fakeTranslate(snapshot: Snapshot): TranslateResult {
  const tag = snapshot.namespaces[0]?.metadata.name ?? 'none';
  if (tag.startsWith('bad')) throw new Error(`cannot translate ${tag}`);
  return { config: configFor(tag), statuses: [] };
}

/** A data plane whose applies finish only when the test releases them. */
function gatedDataPlane(): DataPlane & { applied: string[]; release(): void; waiting(): number } {
  const applied: string[] = [];
  const gates: (() => void)[] = [];
  return {
    applied,
    async apply(config: Config): Promise<ApplyReport> {
      await new Promise<void>((resolve) => gates.push(resolve));
      applied.push(config.ports[0].key);
      return { listening: [config.ports[0].key], failed: [] };
    },
    async close() {},
    release() {
      gates.shift()?.();
    },
    waiting: () => gates.length,
  };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

/** A reconciler with a fake translate, serving on `dataPlane`. */
function reconcilerOn(dataPlane: ReturnType<typeof gatedDataPlane>): Reconciler {
  return new Reconciler({
    translate: fakeTranslate,
    assignAddresses: () => ({}),
    dataPlane,
    controllerName: 'onramp.dev/gateway-controller',
    pool: [],
    logger: silentLogger,
  });
}

test('snapshots arriving during an apply wait, and only the newest of them runs', async () => {
  const dataPlane = gatedDataPlane();
  const r = reconcilerOn(dataPlane);
  assert.equal(r.ready(), false);
  r.submit(tagged('a'));
  await until(() => dataPlane.waiting() === 1);
  r.submit(tagged('b'));
  r.submit(tagged('c'));
  r.submit(tagged('d'));
  // Still one apply in flight: the others wait.
  assert.equal(dataPlane.waiting(), 1);
  dataPlane.release();
  await until(() => dataPlane.waiting() === 1);
  dataPlane.release();
  await r.idle();
  assert.deepEqual(dataPlane.applied, ['a:80', 'd:80']);
  assert.equal(r.ready(), true);
  assert.equal(r.config()?.ports[0].key, 'd:80');
});

test('a snapshot that fails to translate keeps the last good config and still reports rejections', async () => {
  const dataPlane = gatedDataPlane();
  const r = reconcilerOn(dataPlane);
  r.submit(tagged('good'));
  await until(() => dataPlane.waiting() === 1);
  dataPlane.release();
  await r.idle();
  const bad = { ...tagged('bad'), rejected: [{ where: 'x.yaml:3', reason: 'broken' }] };
  const outcome = await r.reconcile(bad);
  assert.equal(outcome.applied, false);
  assert.equal(r.config()?.ports[0].key, 'good:80');
  assert.deepEqual(r.rejected(), [{ where: 'x.yaml:3', reason: 'broken' }]);
  assert.deepEqual(dataPlane.applied, ['good:80']);
});
