// The comparison: every target behind the same backend, driven by wrk in interleaved rounds after a
// warm-up, so that each round's ratios to nginx come from the same minutes of the same machine.

import { fmtInt, fmtMs, fmtRatio, median, oneLine, table } from './table.ts';
import { NotAvailable, startTarget, type Front, type RunContext, type RunningTarget, type TargetName } from './targets.ts';
import { runWrk, type WrkResult } from './wrk.ts';

/** Drives one running target for `seconds` and reads the load generator's report. */
export type Measure = (t: RunningTarget, seconds: number) => Promise<WrkResult>;

export interface ThroughputOptions {
  targets: readonly TargetName[];
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  threads: number;
  /** Request path; it matches the PathPrefix rule (backend A). */
  path: string;
  log: (line: string) => void;
  /** How clients speak to the targets (default HTTP/1.1) and what drives them (default wrk). */
  front?: Front;
  measure?: Measure;
}

export interface TargetSummary {
  name: string;
  /** Set when the target did not run; the reason. */
  unavailable: string | null;
  /** Set when the target broke during the run. */
  error: string | null;
  rounds: WrkResult[];
  rps: number;
  p50: number;
  p99: number;
  /** Medians over rounds of this target's figure divided by nginx's in the same round. */
  rpsVsNginx: number;
  p99VsNginx: number;
  failed: number;
}

export async function runThroughput(ctx: RunContext, o: ThroughputOptions): Promise<TargetSummary[]> {
  const running = new Map<string, RunningTarget>();
  const summaries = new Map<string, TargetSummary>();
  const summary = (name: string): TargetSummary => {
    let s = summaries.get(name);
    if (!s) {
      s = { name, unavailable: null, error: null, rounds: [], rps: NaN, p50: NaN, p99: NaN, rpsVsNginx: NaN, p99VsNginx: NaN, failed: 0 };
      summaries.set(name, s);
    }
    return s;
  };

  for (const name of o.targets) {
    try {
      running.set(name, await startTarget(ctx, name, o.front));
      o.log(`${name}: routing checked, listening on ${running.get(name)?.topology.listen.port}`);
    } catch (err) {
      if (err instanceof NotAvailable) summary(name).unavailable = err.message;
      else summary(name).error = (err as Error).message;
      o.log(`${name}: ${(err as Error).message}`);
    }
  }

  const wrk: Measure =
    o.measure ??
    ((t, seconds) =>
      runWrk({
      processes: ctx.processes,
      wrk: ctx.tools.wrk ?? 'wrk',
      url: `http://${t.topology.listen.host}:${t.topology.listen.port}${o.path}`,
      host: t.topology.hostname,
      connections: o.connections,
      threads: o.threads,
      durationSeconds: seconds,
      }));

  const order = [...running.values()];
  if (o.warmupSeconds > 0) {
    for (const t of order) {
      try {
        await wrk(t, o.warmupSeconds);
      } catch (err) {
        summary(t.name).error = (err as Error).message;
      }
    }
  }

  const byRound: Map<string, WrkResult>[] = [];
  for (let round = 0; round < o.rounds; round++) {
    const results = new Map<string, WrkResult>();
    // Rotate who goes first so that no target always runs right after the same neighbour.
    const turn = order.map((_, i) => order[(i + round) % order.length]);
    for (const t of turn) {
      if (summary(t.name).error) continue;
      try {
        const r = await wrk(t, o.durationSeconds);
        results.set(t.name, r);
        summary(t.name).rounds.push(r);
        o.log(`round ${round + 1}/${o.rounds} ${t.name.padEnd(8)} ${fmtInt(r.requestsPerSecond).padStart(8)} req/s  p50 ${fmtMs(r.p50)}  p99 ${fmtMs(r.p99)}  failed ${r.failed}`);
      } catch (err) {
        summary(t.name).error = (err as Error).message;
        o.log(`${t.name}: ${(err as Error).message}`);
      }
    }
    byRound.push(results);
  }

  for (const name of o.targets) {
    const s = summary(name);
    s.rps = median(s.rounds.map((r) => r.requestsPerSecond));
    s.p50 = median(s.rounds.map((r) => r.p50));
    s.p99 = median(s.rounds.map((r) => r.p99));
    s.failed = s.rounds.reduce((n, r) => n + r.failed, 0);
    const ratios = (f: (r: WrkResult) => number): number[] =>
      byRound.flatMap((m) => {
        const mine = m.get(name);
        const ref = m.get('nginx');
        return mine && ref ? [f(mine) / f(ref)] : [];
      });
    s.rpsVsNginx = median(ratios((r) => r.requestsPerSecond));
    s.p99VsNginx = median(ratios((r) => r.p99));
  }
  // Done with them: the sections that follow start their own and should not share the cores with idle proxies.
  for (const t of running.values()) await ctx.processes.stop(t.process);
  return o.targets.map(summary);
}

export function throughputTable(summaries: readonly TargetSummary[]): string {
  const rows = summaries.map((s) => {
    if (s.unavailable || (s.error && s.rounds.length === 0)) {
      return [s.name, s.unavailable ? 'not available' : 'failed', '', '', '', '', '', oneLine(s.unavailable ?? s.error ?? '')];
    }
    return [
      s.name,
      fmtInt(s.rps),
      fmtMs(s.p50),
      fmtMs(s.p99),
      fmtRatio(s.rpsVsNginx),
      fmtRatio(s.p99VsNginx),
      String(s.failed),
      s.error ? `broke after ${s.rounds.length} round(s): ${oneLine(s.error)}` : '',
    ];
  });
  return table(['proxy', 'req/s', 'p50', 'p99', 'req/s ÷ nginx', 'p99 ÷ nginx', 'failed', 'note'], rows);
}

