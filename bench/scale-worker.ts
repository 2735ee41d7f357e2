// One scale measurement in a fresh process, so that its peak RSS is its own: builds a snapshot of N
// HTTPRoutes, translates it, applies it to a data plane, and waits until the first and the last route
// serve. Prints one JSON line (ScaleSample) on stdout.
//   node bench/scale-worker.ts --routes N --layout hostnames|gateways --port P --addresses A,B,... --a H:P --b H:P

import { parseArgs } from 'node:util';
import type { Snapshot } from '../src/api/types.ts';
import { snapshotFromObjects } from '../src/api/snapshot.ts';
import type { DataPlane } from '../src/dataplane/types.ts';
import type { TranslateOptions, TranslateResult } from '../src/translate/types.ts';
import { scaleObjects, scaleRouteOf, type ScaleLayout } from './configs/onramp.ts';
import { BODY_A } from './configs/topology.ts';
import { get, until } from './http-check.ts';

export interface ScaleSample {
  routes: number;
  layout: ScaleLayout;
  /** Set when the translator or data plane cannot be loaded; nothing was measured. */
  unavailable?: string;
  error?: string;
  translateMs?: number;
  applyMs?: number;
  /** From the start of translate to the last route answering 200. */
  liveMs?: number;
  /** Peak resident set size of this process, bytes. */
  maxRss?: number;
}

function hostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

function print(sample: ScaleSample): void {
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

const { values } = parseArgs({
  options: {
    routes: { type: 'string' },
    layout: { type: 'string' },
    port: { type: 'string' },
    addresses: { type: 'string' },
    a: { type: 'string' },
    b: { type: 'string' },
  },
});
const routes = Number(values.routes);
const layout = values.layout as ScaleLayout;
const port = Number(values.port);
const addresses = (values.addresses ?? '').split(',');

let translate: (s: Snapshot, o: TranslateOptions) => TranslateResult;
let createDataPlane: () => DataPlane;
try {
  // Loaded by URL at run time: the harness must keep working (and type-check) while these modules are
  // still being written.
  ({ translate } = (await import(new URL('../src/translate/index.ts', import.meta.url).href)) as { translate: typeof translate });
  ({ createDataPlane } = (await import(new URL('../src/dataplane/index.ts', import.meta.url).href)) as { createDataPlane: typeof createDataPlane });
} catch (err) {
  print({ routes, layout, unavailable: (err as Error).message.split('\n')[0] });
  process.exit(0);
}

const snapshot = snapshotFromObjects(
  scaleObjects({ routes, layout, port, addresses, backendA: hostPort(values.a ?? ''), backendB: hostPort(values.b ?? '') }),
);
const dataPlane = createDataPlane();
try {
  const t0 = performance.now();
  const { config } = translate(snapshot, { controllerName: 'onramp.dev/gateway-controller', addresses: {} });
  const t1 = performance.now();
  const report = await dataPlane.apply(config);
  const t2 = performance.now();
  if (report.failed.length > 0) throw new Error(`could not listen: ${report.failed.map((f) => `${f.key} ${f.error}`).join(', ')}`);
  for (const i of [routes - 1, 0]) {
    const r = scaleRouteOf(i, { layout, addresses, port });
    const problem = await until(async () => {
      const reply = await get({ host: r.address, port }, `${r.prefix}/x`, r.hostname).catch((err: Error) => ({ status: 0, body: err.message }));
      return reply.status === 200 && reply.body === BODY_A ? null : `route ${r.name}: ${reply.status} ${reply.body.slice(0, 60)}`;
    }, 10_000, 1);
    if (problem) throw new Error(problem);
  }
  const t3 = performance.now();
  print({ routes, layout, translateMs: t1 - t0, applyMs: t2 - t1, liveMs: t3 - t0, maxRss: process.resourceUsage().maxRSS * 1024 });
} catch (err) {
  print({ routes, layout, error: (err as Error).message.split('\n')[0] });
} finally {
  await dataPlane.close();
}
