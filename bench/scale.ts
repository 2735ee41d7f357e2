// Scale figures for onramp:
// - translate + apply + serve N HTTPRoutes (10, 1,000, 10,000) over 100 hostnames on one Gateway and over
//   100 Gateways, each in a fresh process (scale-worker.ts) for its peak RSS;
// - `onramp run` on a file of 10,000 routes: time to serve, peak RSS, time from a one-route file change to
//   that route serving, and req/s with 10 versus 10,000 routes installed (interleaved rounds).

import { spawn } from 'node:child_process';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scaleObjects, scaleRouteOf, toYaml, SCALE_SPREAD, type ScaleLayout, type ScaleOptions } from './configs/onramp.ts';
import { V8_FLAGS } from '../src/cli/v8-flags.ts';
import { BODY_A } from './configs/topology.ts';
import { get, until } from './http-check.ts';
import { freePort, type Started } from './processes.ts';
import type { ScaleSample } from './scale-worker.ts';
import { fmtInt, fmtMB, fmtMs, fmtRatio, median, oneLine, table } from './table.ts';
import { NotAvailable, REPO_ROOT, startOnramp, type RunContext } from './targets.ts';
import { runWrk } from './wrk.ts';

export interface ScaleResult {
  samples: ScaleSample[];
  live: LiveResult | null;
  liveUnavailable: string | null;
  failed: boolean;
}

export interface LiveResult {
  routes: number;
  /** From spawning `onramp run` to the last route answering 200. */
  startMs: number;
  /** Peak RSS of the onramp process (VmHWM) once all routes serve, and after the changes. */
  startRss: number;
  maxRss: number;
  /** Each one-route change: from the start of the file write to the changed route answering 200. */
  changeMs: number[];
  /** req/s with few and with `routes` routes installed, median over rounds. */
  rpsFew: number;
  rpsMany: number;
  fewRoutes: number;
}

const SCALE_ADDRESS_BASE = '127.0.99.';

function addressesFor(layout: ScaleLayout): string[] {
  return layout === 'gateways' ? Array.from({ length: SCALE_SPREAD }, (_, i) => `${SCALE_ADDRESS_BASE}${i + 1}`) : ['127.0.0.1'];
}

function runWorker(args: string[]): Promise<ScaleSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...V8_FLAGS, path.join(REPO_ROOT, 'bench', 'scale-worker.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ScaleSample);
      } catch {
        reject(new Error(`scale worker exited with ${code}: ${(err || out).trim().split('\n').slice(-3).join(' / ')}`));
      }
    });
  });
}

export async function runScale(ctx: RunContext, o: { smoke: boolean; log: (line: string) => void }): Promise<ScaleResult> {
  const result: ScaleResult = { samples: [], live: null, liveUnavailable: null, failed: false };
  const sizes = o.smoke ? [10, 100] : [10, 1_000, 10_000];
  for (const layout of ['hostnames', 'gateways'] as const) {
    for (const routes of sizes) {
      const addresses = addressesFor(layout);
      const port = await freePort(addresses[0]);
      const args = ['--routes', String(routes), '--layout', layout, '--port', String(port), '--addresses', addresses.join(',')];
      args.push('--a', `${ctx.backendA.host}:${ctx.backendA.port}`, '--b', `${ctx.backendB.host}:${ctx.backendB.port}`);
      let sample: ScaleSample;
      try {
        sample = await runWorker(args);
      } catch (err) {
        sample = { routes, layout, error: oneLine((err as Error).message) };
      }
      result.samples.push(sample);
      o.log(`scale ${layout} ${routes}: ${sample.unavailable ? `not available (${sample.unavailable})` : sample.error ?? `${fmtMs(sample.liveMs ?? NaN)} to serve, ${fmtMB(sample.maxRss ?? NaN)} peak RSS`}`);
      // Keep going on errors: the other sizes may still tell something; the run fails at the end.
      if (sample.error) result.failed = true;
      if (sample.unavailable) break;
    }
  }
  try {
    result.live = await runLive(ctx, { routes: o.smoke ? 100 : 10_000, fewRoutes: 10, changes: o.smoke ? 2 : 10, rounds: o.smoke ? 1 : 3, seconds: o.smoke ? 1 : 5, log: o.log });
  } catch (err) {
    if (err instanceof NotAvailable) result.liveUnavailable = err.message;
    else {
      result.liveUnavailable = `failed: ${oneLine((err as Error).message)}`;
      result.failed = true;
    }
    o.log(`scale live: ${(err as Error).message}`);
  }
  return result;
}

async function servesRoute(address: { host: string; port: number }, prefix: string, hostname: string): Promise<string | null> {
  const reply = await get(address, `${prefix}/x`, hostname).catch((err: Error) => ({ status: 0, body: err.message }));
  return reply.status === 200 && reply.body === BODY_A ? null : `${reply.status} ${reply.body.slice(0, 60)}`;
}

async function peakRss(p: Started): Promise<number> {
  try {
    const status = await readFile(`/proc/${p.pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

interface LiveOptions {
  routes: number;
  fewRoutes: number;
  changes: number;
  rounds: number;
  seconds: number;
  log: (line: string) => void;
}

async function runLive(ctx: RunContext, o: LiveOptions): Promise<LiveResult> {
  const layout: ScaleLayout = 'hostnames';
  const base = (routes: number, port: number): ScaleOptions => ({ routes, layout, port, addresses: ['127.0.0.1'], backendA: ctx.backendA, backendB: ctx.backendB });
  const manyOptions = base(o.routes, await freePort('127.0.0.1'));
  const fewOptions = base(o.fewRoutes, await freePort('127.0.0.1'));
  const address = { host: '127.0.0.1', port: manyOptions.port };
  const last = scaleRouteOf(o.routes - 1, manyOptions);

  // The manifest text is made before the clock starts: generating 10,000 routes takes the bench itself over
  // a second, which is no part of onramp's start.
  const manyText = toYaml(scaleObjects(manyOptions));
  const t0 = performance.now();
  const many = await startOnramp(ctx, path.join(ctx.dir, 'scale-many'), manyText, { file: 'routes.yaml' });
  const startProblem = await until(() => servesRoute(address, last.prefix, last.hostname), 60_000, 5);
  if (startProblem) throw new Error(`the last of ${o.routes} routes does not serve: ${startProblem}`);
  const startMs = performance.now() - t0;
  const startRss = await peakRss(many.process);
  o.log(`scale live: ${o.routes} routes serving ${fmtMs(startMs)} after start, peak RSS ${fmtMB(startRss)}`);

  // One-route changes: route k gets a new PathPrefix; the file is replaced whole (write + rename), as an
  // editor or a config-management tool would.
  const changeMs: number[] = [];
  const file = path.join(many.manifestDir, 'routes.yaml');
  for (let j = 0; j < o.changes; j++) {
    const k = Math.floor(((j + 0.5) * o.routes) / o.changes);
    const r = scaleRouteOf(k, manyOptions);
    const prefix = `/changed-${j}`;
    const text = toYaml(scaleObjects(manyOptions, { route: k, prefix }));
    const c0 = performance.now();
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
    const problem = await until(() => servesRoute(address, prefix, r.hostname), 30_000, 1);
    if (problem) throw new Error(`changed route ${r.name} does not serve ${prefix}: ${problem}`);
    changeMs.push(performance.now() - c0);
  }
  o.log(`scale live: one-route change live in ${changeMs.map((m) => fmtMs(m)).join(', ')}`);
  const maxRss = await peakRss(many.process);

  // Throughput with few versus many routes: both onramps run, rounds alternate. The request goes to the
  // last route of each (the worst case for a router that scans).
  const few = await startOnramp(ctx, path.join(ctx.dir, 'scale-few'), toYaml(scaleObjects(fewOptions)), { file: 'routes.yaml' });
  const fewLast = scaleRouteOf(o.fewRoutes - 1, fewOptions);
  const fewProblem = await until(() => servesRoute({ host: '127.0.0.1', port: fewOptions.port }, fewLast.prefix, fewLast.hostname), 30_000, 5);
  if (fewProblem) throw new Error(`onramp with ${o.fewRoutes} routes does not serve: ${fewProblem}`);
  const rps: { few: number[]; many: number[] } = { few: [], many: [] };
  const lastMany = scaleRouteOf(o.routes - 1, manyOptions);
  const targets = [
    { key: 'many' as const, port: manyOptions.port, route: lastMany },
    { key: 'few' as const, port: fewOptions.port, route: fewLast },
  ];
  // Round 0 is a warm-up, except in the smoke run, where the numbers do not matter.
  const first = o.rounds > 1 ? 0 : 1;
  for (let round = first; round < o.rounds + 1; round++) {
    for (const t of round % 2 ? targets : [...targets].reverse()) {
      const r = await runWrk({
      processes: ctx.processes,
        wrk: ctx.tools.wrk ?? 'wrk',
        url: `http://127.0.0.1:${t.port}${t.route.prefix}/x`,
        host: t.route.hostname,
        connections: 50,
        threads: 1,
        durationSeconds: o.seconds,
      });
      if (round > 0) rps[t.key].push(r.requestsPerSecond);
      if (r.failed > 0) throw new Error(`${r.failed} failed requests with ${t.key} routes`);
    }
  }
  await ctx.processes.stop(few.process);
  await ctx.processes.stop(many.process);
  return { routes: o.routes, startMs, startRss, maxRss, changeMs, rpsFew: median(rps.few), rpsMany: median(rps.many), fewRoutes: o.fewRoutes };
}

export function scaleTables(s: ScaleResult): string[] {
  const rows = s.samples.map((x) => [
    x.layout === 'hostnames' ? `1 Gateway, ${SCALE_SPREAD} hostnames` : `${SCALE_SPREAD} Gateways`,
    fmtInt(x.routes),
    x.unavailable ? 'not available' : x.error ? 'failed' : fmtMs(x.translateMs ?? NaN),
    fmtMs(x.applyMs ?? NaN),
    fmtMs(x.liveMs ?? NaN),
    fmtMB(x.maxRss ?? NaN),
    x.unavailable ?? x.error ?? '',
  ]);
  const out = [
    '## Scale: translate, apply and serve N HTTPRoutes (one fresh process each)',
    '',
    table(['layout', 'HTTPRoutes', 'translate', 'apply', 'live (translate → last route 200)', 'peak RSS', 'note'], rows),
    '',
    '## Scale: `onramp run` on a file of many HTTPRoutes',
    '',
  ];
  const l = s.live;
  if (!l) {
    out.push(`not available: ${s.liveUnavailable ?? 'not run'}`);
    return out;
  }
  out.push(
    table(
      ['figure', 'value'],
      [
        [`start → last of ${fmtInt(l.routes)} routes serving`, fmtMs(l.startMs)],
        ['peak RSS (VmHWM) once serving', fmtMB(l.startRss)],
        [`peak RSS (VmHWM) after ${l.changeMs.length} changes`, fmtMB(l.maxRss)],
        [`one-route file change → route serving (median of ${l.changeMs.length})`, fmtMs(median(l.changeMs))],
        ['one-route file change → route serving (max)', fmtMs(Math.max(...l.changeMs))],
        [`req/s with ${fmtInt(l.fewRoutes)} routes`, fmtInt(l.rpsFew)],
        [`req/s with ${fmtInt(l.routes)} routes`, fmtInt(l.rpsMany)],
        [`req/s ratio ${fmtInt(l.routes)} ÷ ${fmtInt(l.fewRoutes)}`, fmtRatio(l.rpsMany / l.rpsFew)],
      ],
    ),
  );
  return out;
}
