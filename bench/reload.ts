// Reload under load: wrk keeps hitting onramp while its manifest file is rewritten 100 times. Each change
// sets a new value of a response header on the very route under load (a ResponseHeaderModifier), and the
// next change waits until that value is seen, so every change is a real reload, not one swallowed by the
// source's debounce. Failures are wrk's socket errors plus non-2xx/3xx responses.

import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { benchObjects, toYaml } from './configs/onramp.ts';
import type { Topology } from './configs/topology.ts';
import { BENCH_HOSTNAME, BENCH_PREFIX } from './configs/topology.ts';
import { checkRouting, get, until } from './http-check.ts';
import { freePort } from './processes.ts';
import { fmtInt, fmtMs, median, oneLine, table } from './table.ts';
import { NotAvailable, startOnramp, type RunContext } from './targets.ts';
import { runWrk, type WrkResult } from './wrk.ts';

export interface ReloadResult {
  changes: number;
  /** Changes seen live before wrk stopped. */
  applied: number;
  requests: number;
  failed: number;
  /** From the start of a file write to the new header value in a response. */
  changeMs: number[];
  rps: number;
  unavailable: string | null;
  error: string | null;
}

const HEADER = 'x-bench-generation';

export async function runReload(ctx: RunContext, o: { smoke: boolean; connections: number; log: (line: string) => void }): Promise<ReloadResult> {
  const changes = o.smoke ? 5 : 100;
  const result: ReloadResult = { changes, applied: 0, requests: 0, failed: 0, changeMs: [], rps: NaN, unavailable: null, error: null };
  try {
    const t: Topology = {
      listen: { host: '127.0.0.1', port: await freePort('127.0.0.1') },
      backendA: ctx.backendA,
      backendB: ctx.backendB,
      hostname: BENCH_HOSTNAME,
      prefix: BENCH_PREFIX,
      upstreamKeepalive: 64,
    };
    const manifests = (generation: number): string => toYaml(benchObjects(t, { name: HEADER, value: String(generation) }));
    const onramp = await startOnramp(ctx, path.join(ctx.dir, 'reload'), manifests(0));
    const problem = await until(() => checkRouting(t), 15_000);
    if (problem) throw new Error(`onramp does not route as configured: ${problem}`);
    const file = path.join(onramp.manifestDir, 'bench.yaml');

    // wrk runs in segments until every change is live; the failures of all segments add up.
    let done = false;
    const load = (async (): Promise<WrkResult[]> => {
      const segments: WrkResult[] = [];
      while (!done) {
        segments.push(
          await runWrk({
      processes: ctx.processes,
            wrk: ctx.tools.wrk ?? 'wrk',
            url: `http://${t.listen.host}:${t.listen.port}${t.prefix}/reload`,
            host: t.hostname,
            connections: o.connections,
            threads: 1,
            durationSeconds: o.smoke ? 1 : 10,
          }),
        );
      }
      return segments;
    })();

    let changeError: unknown = null;
    try {
      for (let g = 1; g <= changes; g++) {
        const c0 = performance.now();
        await writeFile(`${file}.tmp`, manifests(g));
        await rename(`${file}.tmp`, file);
        const seen = await until(async () => {
          const r = await get(t.listen, `${t.prefix}/check`, t.hostname).catch(() => null);
          return r?.headers[HEADER] === String(g) ? null : `header ${HEADER}: ${String(r?.headers[HEADER])}`;
        }, 15_000, 2);
        if (seen) throw new Error(`change ${g} not live after 15 s (${seen})`);
        result.changeMs.push(performance.now() - c0);
        result.applied = g;
      }
    } catch (err) {
      changeError = err;
    } finally {
      done = true;
    }
    // The load's figures count even when a change did not go live; then the run reports that change.
    const segments = await load;
    result.requests = segments.reduce((n, s) => n + s.requests, 0);
    result.failed = segments.reduce((n, s) => n + s.failed, 0);
    result.rps = median(segments.map((s) => s.requestsPerSecond));
    await ctx.processes.stop(onramp.process);
    if (changeError) throw changeError;
    o.log(`reload: ${result.applied} changes, ${result.requests} requests, ${result.failed} failed`);
  } catch (err) {
    if (err instanceof NotAvailable) result.unavailable = err.message;
    else result.error = oneLine((err as Error).message);
    o.log(`reload: ${(err as Error).message}`);
  }
  return result;
}

export function reloadTable(r: ReloadResult): string {
  const head = `## Reload under load: wrk -t1 -c50 while the manifest file changes ${r.changes} times`;
  if (r.unavailable) return `${head}\n\nnot available: ${r.unavailable}\n`;
  return `${head}\n\n${table(
    ['changes live', 'requests', 'failed', 'req/s during reloads', 'change → live (median)', 'change → live (max)', 'note'],
    [[`${r.applied}/${r.changes}`, fmtInt(r.requests), String(r.failed), fmtInt(r.rps), fmtMs(median(r.changeMs)), fmtMs(r.changeMs.length ? Math.max(...r.changeMs) : NaN), r.error ?? '']],
  )}\n`;
}
