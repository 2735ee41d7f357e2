import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { emptySnapshot } from '../../src/api/snapshot.ts';
import type { HTTPRoute, Snapshot } from '../../src/api/types.ts';
import type { Config } from '../../src/config/types.ts';
import type { ApplyReport, DataPlane } from '../../src/dataplane/types.ts';
import { silentLogger } from '../../src/log.ts';
import { Reconciler } from '../../src/runtime/reconciler.ts';
import type { ObjectStatus, TranslateResult } from '../../src/translate/types.ts';

// A long-running controller must not keep every snapshot, config and status it ever handled: after a
// reconcile, only the newest generation (and what the admin API shows of it) stays reachable.

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function snapshotWithRoute(generation: number): Snapshot {
  const route: HTTPRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'r', namespace: 'default', generation },
    spec: { parentRefs: [{ name: 'gw' }] },
  };
  return { ...emptySnapshot(), httpRoutes: [route] };
}

function translateFn(snapshot: Snapshot): TranslateResult {
  const route = snapshot.httpRoutes[0];
  const status: ObjectStatus = {
    apiVersion: route.apiVersion,
    kind: 'HTTPRoute',
    name: route.metadata.name,
    namespace: route.metadata.namespace,
    generation: route.metadata.generation ?? 1,
    status: {
      parents: [
        {
          parentRef: { name: 'gw' },
          controllerName: 'example.com/onramp',
          conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: '', observedGeneration: route.metadata.generation ?? 1 }],
        },
      ],
    },
  };
  return { config: { ports: [], certificates: {} }, statuses: [status] };
}

const dataPlane: DataPlane = {
  async apply(): Promise<ApplyReport> {
    return { listening: [], failed: [] };
  },
  async close() {},
};

async function collect(): Promise<void> {
  // WeakRefs hold their target until the current job ends; let it end, then collect.
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
}

test('after a reconcile, the previous snapshot, config and statuses are released', async () => {
  const results: WeakRef<TranslateResult>[] = [];
  const configs: WeakRef<Config>[] = [];
  const reconciler = new Reconciler({
    translate: (snapshot) => {
      const r = translateFn(snapshot);
      results.push(new WeakRef(r));
      configs.push(new WeakRef(r.config));
      return r;
    },
    assignAddresses: () => ({}),
    dataPlane,
    controllerName: 'example.com/onramp',
    pool: [],
    logger: silentLogger,
  });
  const snapshots: WeakRef<Snapshot>[] = [];
  for (let generation = 1; generation <= 3; generation++) {
    const s = snapshotWithRoute(generation);
    snapshots.push(new WeakRef(s));
    await reconciler.reconcile(s);
    // The admin API builds its List on request; that copy must go with its generation too.
    assert.equal(reconciler.status().items[0].metadata.generation, generation);
  }
  await collect();
  assert.deepEqual(
    snapshots.map((r) => r.deref() !== undefined),
    [false, false, true],
    'only the newest snapshot is kept',
  );
  assert.deepEqual(configs.map((r) => r.deref() !== undefined), [false, false, true], 'only the newest config is kept');
  assert.deepEqual(results.map((r) => r.deref() !== undefined), [false, false, false], 'translate results are not kept whole');
  assert.equal(reconciler.config(), configs[2].deref());
});
