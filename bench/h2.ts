// HTTP/2 from clients: the comparison's routing served to h2load over h2c (prior knowledge, cleartext) and
// over h2 (TLS, ALPN), by nginx, haproxy and onramp, each forwarding to the HTTP/1.1 keep-alive backend.
// Same interleaved rounds and ratios to nginx as the HTTP/1.1 table.

import path from 'node:path';
import { makeBenchCert } from './certs.ts';
import type { FrontProtocol } from './configs/nginx.ts';
import { BENCH_HOSTNAME } from './configs/topology.ts';
import { runH2load } from './h2load.ts';
import type { RunContext } from './targets.ts';
import { runThroughput, throughputTable, type TargetSummary } from './throughput.ts';

export const H2_FRONTS: readonly FrontProtocol[] = ['h2c', 'h2'];
const H2_TARGETS = ['nginx', 'haproxy', 'onramp'] as const;

export interface H2Options {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** h2load connections, and concurrent streams on each. */
  clients: number;
  streams: number;
  path: string;
  log: (line: string) => void;
}

export interface H2Result {
  front: FrontProtocol;
  summaries: TargetSummary[];
}

export async function runH2(ctx: RunContext, o: H2Options): Promise<H2Result[]> {
  const h2load = ctx.tools.h2load;
  const cert = makeBenchCert(ctx.dir, BENCH_HOSTNAME);
  const results: H2Result[] = [];
  let logs = 0;
  for (const protocol of H2_FRONTS) {
    const summaries = await runThroughput(ctx, {
      targets: h2load ? H2_TARGETS : [],
      rounds: o.rounds,
      durationSeconds: o.durationSeconds,
      warmupSeconds: o.warmupSeconds,
      connections: o.clients,
      threads: 1,
      path: o.path,
      log: (line) => o.log(`${protocol}: ${line}`),
      front: { protocol, cert: protocol === 'h2' ? cert : null },
      measure: (t, seconds) =>
        runH2load({
          processes: ctx.processes,
          h2load: h2load!,
          url: `${protocol === 'h2' ? 'https' : 'http'}://${t.topology.listen.host}:${t.topology.listen.port}${o.path}`,
          authority: t.topology.hostname,
          clients: o.clients,
          streams: o.streams,
          durationSeconds: seconds,
          logFile: path.join(ctx.dir, `h2load-${logs++}.log`),
        }),
    });
    results.push({ front: protocol, summaries });
  }
  return results;
}

export function h2Tables(results: readonly H2Result[], o: Pick<H2Options, 'clients' | 'streams' | 'rounds' | 'durationSeconds' | 'warmupSeconds'>): string[] {
  const out: string[] = [];
  for (const r of results) {
    const what = r.front === 'h2c' ? 'HTTP/2 cleartext (prior knowledge)' : 'HTTP/2 over TLS (ALPN h2, ECDSA P-256)';
    out.push(
      `## ${what}, h2load -t1 -c${o.clients} -m${o.streams}, ${o.rounds} round(s) of ${o.durationSeconds} s after ${o.warmupSeconds} s warm-up (medians)`,
      '',
      r.summaries.length === 0 ? 'h2load is not installed' : throughputTable(r.summaries),
      '',
    );
  }
  return out;
}
