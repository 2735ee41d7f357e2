// Runs wrk (HTTP/1.1, keep-alive) and reads its report: requests/s, latency percentiles from --latency,
// socket errors and non-2xx/3xx responses.

import type { Processes } from './processes.ts';

export interface WrkOptions {
  /** wrk is started through the run's process list, so that an interrupted run stops it too. */
  processes: Processes;
  wrk: string;
  url: string;
  /** Host header to send (the route's hostname). */
  host: string;
  connections: number;
  threads: number;
  durationSeconds: number;
  timeoutSeconds?: number;
}

export interface WrkResult {
  requests: number;
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  non2xx3xx: number;
  /** Socket errors plus non-2xx/3xx responses. */
  failed: number;
}

export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const args = [
    `-t${o.threads}`,
    `-c${o.connections}`,
    `-d${o.durationSeconds}s`,
    `--timeout`,
    `${o.timeoutSeconds ?? 10}s`,
    '--latency',
    '-H',
    `Host: ${o.host}`,
    o.url,
  ];
  const p = o.processes.start('wrk', o.wrk, args);
  const code = await p.exited;
  const parsed = code === 0 ? parseWrk(p.output()) : null;
  if (!parsed) throw new Error(`wrk exited with ${code}:\n${p.output().trim()}`);
  return parsed;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function toMs(value: string, unit: string): number {
  return Number(value) * (UNIT_MS[unit] ?? NaN);
}

function percentile(text: string, p: string): number {
  const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text);
  return m ? toMs(m[1], m[2]) : NaN;
}

/** Parses wrk 4.x output; null when the text is not a wrk report. */
export function parseWrk(text: string): WrkResult | null {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text);
  const total = /^\s*(\d+) requests in /m.exec(text);
  if (!rps || !total) return null;
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  const socketErrors = {
    connect: sock ? Number(sock[1]) : 0,
    read: sock ? Number(sock[2]) : 0,
    write: sock ? Number(sock[3]) : 0,
    timeout: sock ? Number(sock[4]) : 0,
  };
  const non2xx3xx = non ? Number(non[1]) : 0;
  return {
    requests: Number(total[1]),
    requestsPerSecond: Number(rps[1]),
    p50: percentile(text, '50'),
    p99: percentile(text, '99'),
    socketErrors,
    non2xx3xx,
    failed: socketErrors.connect + socketErrors.read + socketErrors.write + socketErrors.timeout + non2xx3xx,
  };
}
