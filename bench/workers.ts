// The multi-core figure: onramp with `--workers 1` (traffic served in the one process) and `--workers 2`
// (two worker processes sharing the listening socket), same manifests, same backend, measured in
// interleaved rounds so that both numbers come from the same minutes of the same machine. wrk runs with two
// threads and enough connections to keep two workers busy; on a machine whose cores also run wrk and the
// backend, the growth is bounded by what is left of them.

import path from 'node:path';
import { benchObjects, toYaml } from './configs/onramp.ts';
import type { Topology } from './configs/topology.ts';
import { checkRouting, until } from './http-check.ts';
import { waitForPort, type Started } from './processes.ts';
import { fmtInt, fmtMs, fmtRatio, median, oneLine, table } from './table.ts';
import { startOnramp, topologyFor, type RunContext } from './targets.ts';
import { runWrk, type WrkResult } from './wrk.ts';

const START_TIMEOUT_MS = 20_000;
export const WORKER_COUNTS = [1, 2] as const;

export interface WorkersOptions {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  threads: number;
  log: (line: string) => void;
}

export interface WorkersRow {
  workers: number;
  rounds: WrkResult[];
  rps: number;
  p50: number;
  p99: number;
  failed: number;
}

export interface WorkersResult {
  connections: number;
  threads: number;
  rows: WorkersRow[];
  /** Median over rounds of req/s with 2 workers ÷ req/s with 1 in the same round. */
  ratio: number;
  error: string | null;
}

async function startOnrampWorkers(ctx: RunContext, workers: number): Promise<{ topology: Topology; process: Started }> {
  const topology = await topologyFor(ctx);
  const name = `onramp-workers-${workers}`;
  const { process: p } = await startOnramp(ctx, path.join(ctx.dir, name), toYaml(benchObjects(topology)), { workers, name });
  await waitForPort(topology.listen.host, topology.listen.port, START_TIMEOUT_MS, p);
  const problem = await until(() => checkRouting(topology), START_TIMEOUT_MS);
  if (problem) throw new Error(`onramp --workers ${workers} does not route as configured: ${problem}`);
  return { topology, process: p };
}

export async function runWorkers(ctx: RunContext, o: WorkersOptions): Promise<WorkersResult> {
  const result: WorkersResult = { connections: o.connections, threads: o.threads, rows: [], ratio: NaN, error: null };
  const started: { workers: number; topology: Topology; process: Started }[] = [];
  try {
    for (const workers of WORKER_COUNTS) {
      started.push({ workers, ...(await startOnrampWorkers(ctx, workers)) });
      o.log(`onramp --workers ${workers}: routing checked`);
    }
    const wrk = (t: Topology, seconds: number): Promise<WrkResult> =>
      runWrk({
        processes: ctx.processes,
        wrk: ctx.tools.wrk ?? 'wrk',
        url: `http://${t.listen.host}:${t.listen.port}/v1/bench`,
        host: t.hostname,
        connections: o.connections,
        threads: o.threads,
        durationSeconds: seconds,
      });
    if (o.warmupSeconds > 0) for (const s of started) await wrk(s.topology, o.warmupSeconds);
    const byWorkers = new Map<number, WrkResult[]>(WORKER_COUNTS.map((n) => [n, []]));
    const ratios: number[] = [];
    for (let round = 0; round < o.rounds; round++) {
      // Alternate who goes first, so neither always runs right after the other.
      const turn = round % 2 === 0 ? started : [...started].reverse();
      const inRound = new Map<number, WrkResult>();
      for (const s of turn) {
        const r = await wrk(s.topology, o.durationSeconds);
        inRound.set(s.workers, r);
        byWorkers.get(s.workers)!.push(r);
        o.log(`workers round ${round + 1}/${o.rounds} --workers ${s.workers} ${fmtInt(r.requestsPerSecond).padStart(8)} req/s  p99 ${fmtMs(r.p99)}  failed ${r.failed}`);
      }
      ratios.push(inRound.get(2)!.requestsPerSecond / inRound.get(1)!.requestsPerSecond);
    }
    result.rows = WORKER_COUNTS.map((workers) => {
      const rounds = byWorkers.get(workers)!;
      return {
        workers,
        rounds,
        rps: median(rounds.map((r) => r.requestsPerSecond)),
        p50: median(rounds.map((r) => r.p50)),
        p99: median(rounds.map((r) => r.p99)),
        failed: rounds.reduce((n, r) => n + r.failed, 0),
      };
    });
    result.ratio = median(ratios);
  } catch (err) {
    result.error = (err as Error).message;
    o.log(`workers: ${result.error}`);
  } finally {
    for (const s of started) await ctx.processes.stop(s.process);
  }
  return result;
}

export function workersTable(r: WorkersResult): string[] {
  const heading = `## Multi-core: onramp --workers 1 and 2, wrk -t${r.threads} -c${r.connections} (medians)`;
  if (r.error !== null && r.rows.length === 0) return [heading, '', `failed: ${oneLine(r.error)}`];
  const rows = r.rows.map((row) => [
    `--workers ${row.workers}`,
    fmtInt(row.rps),
    fmtMs(row.p50),
    fmtMs(row.p99),
    row.workers === 1 ? '1.00×' : fmtRatio(r.ratio),
    String(row.failed),
  ]);
  return [heading, '', table(['onramp', 'req/s', 'p50', 'p99', 'req/s ÷ --workers 1', 'failed'], rows)];
}
