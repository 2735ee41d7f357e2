// Runs h2load (HTTP/2, prior knowledge for h2c, ALPN h2 over TLS) and reads its report. h2load prints no
// latency percentiles, so each run writes its per-request log (start, status, microseconds to the end of the
// answer) and p50/p99 are taken from it.

import { readFile, rm } from 'node:fs/promises';
import type { Processes } from './processes.ts';
import type { WrkResult } from './wrk.ts';

export interface H2loadOptions {
  processes: Processes;
  h2load: string;
  url: string;
  /** The :authority to send (the route's hostname). */
  authority: string;
  clients: number;
  /** Concurrent streams per connection. */
  streams: number;
  durationSeconds: number;
  /** Where the per-request log is written (and removed after reading). */
  logFile: string;
}

export async function runH2load(o: H2loadOptions): Promise<WrkResult> {
  const args = [
    '-t1',
    `-c${o.clients}`,
    `-m${o.streams}`,
    `-D${Math.max(1, Math.round(o.durationSeconds))}`,
    '-H',
    `:authority: ${o.authority}`,
    `--log-file=${o.logFile}`,
    o.url,
  ];
  const p = o.processes.start('h2load', o.h2load, args);
  const code = await p.exited;
  const parsed = code === 0 ? parseH2load(p.output()) : null;
  if (!parsed) throw new Error(`h2load exited with ${code}:\n${p.output().trim()}`);
  try {
    const [p50, p99] = percentilesFromLog(await readFile(o.logFile, 'utf8'));
    parsed.p50 = p50;
    parsed.p99 = p99;
  } finally {
    await rm(o.logFile, { force: true });
  }
  return parsed;
}

/** Parses h2load's summary; null when the text is not one. Latencies are filled in from the log. */
export function parseH2load(text: string): WrkResult | null {
  const rps = /^finished in [\d.]+\w*, ([\d.]+) req\/s/m.exec(text);
  const req = /^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/m.exec(text);
  const codes = /^status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/m.exec(text);
  if (!rps || !req) return null;
  const errored = Number(req[6]);
  const timeout = Number(req[7]);
  const non2xx3xx = codes ? Number(codes[3]) + Number(codes[4]) : 0;
  return {
    requests: Number(req[3]),
    requestsPerSecond: Number(rps[1]),
    p50: NaN,
    p99: NaN,
    socketErrors: { connect: 0, read: errored, write: 0, timeout },
    non2xx3xx,
    // A request cut off when the duration ends counts as failed in h2load but is no proxy failure:
    // count errors, timeouts and bad statuses only.
    failed: errored + timeout + non2xx3xx,
  };
}

/** p50 and p99 in milliseconds from h2load's per-request log (third column: microseconds). */
export function percentilesFromLog(log: string): [number, number] {
  const micros: number[] = [];
  for (const line of log.split('\n')) {
    const cols = line.split('\t');
    if (cols.length < 3) continue;
    const us = Number(cols[2]);
    if (Number.isFinite(us) && us >= 0) micros.push(us);
  }
  if (micros.length === 0) return [NaN, NaN];
  const sorted = Float64Array.from(micros).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000;
  return [at(0.5), at(0.99)];
}
