// The data plane's part of a config change at scale, in one process: translate N HTTPRoutes, time
// `dataplane.apply()` for the whole config (cold), then for one-route changes (the other routes keep their
// objects, as the file source hands them out), the heap the compiled tables hold, and route lookups per
// second for the last route (the request the scale bench's req/s figure sends).
//   node --expose-gc bench/apply-time.ts [--routes N] [--layout hostnames|gateways] [--changes N]

import { parseArgs } from 'node:util';
import { snapshotFromObjects } from '../src/api/snapshot.ts';
import type { KubeObject } from '../src/api/types.ts';
import type { Config } from '../src/config/types.ts';
import { createDataPlane } from '../src/dataplane/index.ts';
import { compileConfig } from '../src/dataplane/compile.ts';
import { EndpointPools } from '../src/dataplane/http/upstream/pools.ts';
import { findRule } from '../src/dataplane/http/router.ts';
import type { RequestView } from '../src/dataplane/http/match.ts';
import { SecureContextCache } from '../src/dataplane/tls/contexts.ts';
import { silentLogger } from '../src/log.ts';
import { translate } from '../src/translate/index.ts';
import { httpRoute, scaleObjects, scaleRouteOf, SCALE_SPREAD, type ScaleLayout } from './configs/onramp.ts';
import { freePort } from './processes.ts';
import { fmtMs, median, table } from './table.ts';

const { values } = parseArgs({
  options: {
    routes: { type: 'string', default: '10000' },
    layout: { type: 'string', default: 'hostnames' },
    changes: { type: 'string', default: '10' },
  },
});
const routes = Number(values.routes);
const layout = values.layout as ScaleLayout;
const changes = Number(values.changes);
const gc = (globalThis as { gc?: () => void }).gc;

const addresses = layout === 'gateways' ? Array.from({ length: SCALE_SPREAD }, (_, i) => `127.0.99.${i + 1}`) : ['127.0.0.1'];
const port = await freePort(addresses[0]);
const backend = { host: '127.0.0.1', port: 9 };
const options = { routes, layout, port, addresses, backendA: backend, backendB: backend };
const objects: KubeObject[] = scaleObjects(options);
const translateOptions = { controllerName: 'onramp.dev/gateway-controller', addresses: {} };

function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const dataPlane = createDataPlane();
try {
  const { config } = translate(snapshotFromObjects(objects), translateOptions);
  const t0 = performance.now();
  await dataPlane.apply(config);
  const coldMs = performance.now() - t0;

  // One-route changes: route k gets a new PathPrefix; every other object stays the same object.
  // Then the same change once more as a worker of `onramp run --workers N` gets it: a JSON copy, all new
  // objects, to a second data plane that serves the previous config from a JSON copy too.
  const changeMs: number[] = [];
  const translateMs: number[] = [];
  const jsonMs: number[] = [];
  const worker = createDataPlane();
  const viaJson = (c: Config): Config => JSON.parse(JSON.stringify(c)) as Config;
  await worker.apply(viaJson(config));
  for (let j = 0; j < changes; j++) {
    const k = Math.floor(((j + 0.5) * routes) / changes);
    const r = scaleRouteOf(k, options);
    const at = objects.findIndex((o) => o.kind === 'HTTPRoute' && o.metadata.name === r.name);
    objects[at] = httpRoute({ name: r.name, gateway: r.gateway, hostname: r.hostname, prefix: `/changed-${j}` });
    const c0 = performance.now();
    const next = translate(snapshotFromObjects(objects), translateOptions).config;
    const c1 = performance.now();
    await dataPlane.apply(next);
    changeMs.push(performance.now() - c1);
    translateMs.push(c1 - c0);
    const copy = viaJson(next);
    const w0 = performance.now();
    await worker.apply(copy);
    jsonMs.push(performance.now() - w0);
  }
  await worker.close();

  // The compiled tables on their own: the heap with and without one more compiled copy of the config.
  const last = scaleRouteOf(routes - 1, options);
  const current = translate(snapshotFromObjects(objects), translateOptions).config;
  const deps = { pools: new EndpointPools(silentLogger), contexts: new SecureContextCache(silentLogger), logger: silentLogger };
  const heapBefore = heapUsed();
  const compiled = compileConfig(current, deps);
  const heapAfter = heapUsed();

  // Lookups of the last route on its port, outside any socket: the router's share of a request.
  const compiledPort = compiled.ports.get(`${last.address}:${port}`)!;
  const view: RequestView = { path: `${last.prefix}/x`, query: null, params: null, method: 'GET', rawHeaders: ['host', last.hostname] };
  if (findRule(compiledPort, last.hostname, view) === null) throw new Error('the last route does not match');
  const n = 200_000;
  const l0 = performance.now();
  for (let i = 0; i < n; i++) findRule(compiledPort, last.hostname, view);
  const lookupsPerSecond = n / ((performance.now() - l0) / 1000);

  process.stdout.write(
    `${table(
      ['figure', 'value'],
      [
        [`apply() of ${routes} routes (${layout}), cold`, fmtMs(coldMs)],
        [`apply() after a one-route change (median of ${changes})`, fmtMs(median(changeMs))],
        ['apply() after a one-route change (max)', fmtMs(Math.max(...changeMs))],
        ['apply() of a JSON copy after a one-route change, as a worker gets it (median)', fmtMs(median(jsonMs))],
        ['translate() of a one-route change (median)', fmtMs(median(translateMs))],
        [`heap held by the compiled tables${gc ? '' : ' (run with --expose-gc)'}`, `${((heapAfter - heapBefore) / 1048576).toFixed(1)} MB`],
        ['route lookups/s for the last route', Math.round(lookupsPerSecond).toLocaleString('en-US')],
      ],
    )}\n`,
  );
} finally {
  await dataPlane.close();
}
