// `npm run bench`: onramp against nginx, haproxy and a Node.js (undici) baseline on the same backend and
// routing, then onramp's scale and reload figures. `--smoke` is the seconds-long version CI runs: it fails
// only when the harness breaks (a tool, a process, a routing check), never on slow numbers.
//
//   node bench/run.ts [--smoke] [--rounds N] [--duration S] [--warmup S] [--connections N]
//                     [--only nginx,haproxy,onramp,undici,h2,scale,reload,workers] [--cpu-prof] [--keep]

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { goalsTable } from './goals.ts';
import { h2Tables, runH2 } from './h2.ts';
import { describeMachine, loadAverage } from './machine.ts';
import { Processes } from './processes.ts';
import { runReload, reloadTable, type ReloadResult } from './reload.ts';
import { runScale, scaleTables, type ScaleResult } from './scale.ts';
import { startBackend, TARGETS, type RunContext, type TargetName } from './targets.ts';
import { runThroughput, throughputTable, type TargetSummary } from './throughput.ts';
import { ensureTools } from './tools.ts';
import { runWorkers, workersTable } from './workers.ts';

const SECTIONS = ['h2', 'scale', 'reload', 'workers'] as const;

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: node bench/run.ts [--smoke] [--rounds N] [--duration S] [--warmup S] [--connections N] [--only ${[...TARGETS, ...SECTIONS].join(',')}] [--cpu-prof] [--keep]\n`);
  process.exit(2);
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) usage(`--${name} wants a number, got ${value}`);
  return n;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        smoke: { type: 'boolean', default: false },
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        connections: { type: 'string' },
        only: { type: 'string' },
        'cpu-prof': { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    usage((err as Error).message);
  }
  const v = parsed.values;
  const smoke = v.smoke ?? false;
  const only = v.only ? v.only.split(',').map((s) => s.trim()) : [...TARGETS, ...SECTIONS];
  for (const name of only) {
    if (![...TARGETS, ...SECTIONS].includes(name as TargetName)) usage(`unknown --only name: ${name}`);
  }
  const targets = TARGETS.filter((t) => only.includes(t));
  const rounds = positive('rounds', v.rounds, smoke ? 1 : 3);
  const durationSeconds = positive('duration', v.duration, smoke ? 1 : 10);
  const warmupSeconds = positive('warmup', v.warmup, smoke ? 0 : 5);
  const connections = positive('connections', v.connections, 50);
  const log = (line: string): void => void process.stderr.write(`${line}\n`);

  const processes = new Processes();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'onramp-bench-'));
  const profDir = path.join(dir, 'cpu-prof');
  processes.atInterrupt(() => rm(dir, { recursive: true, force: true }));
  let failed = false;
  try {
    const tools = ensureTools(['nginx', 'haproxy', 'wrk', 'h2load'], log);
    if (!tools.wrk || !tools.nginx) throw new Error('wrk and nginx are needed for every benchmark');
    const out: string[] = [];
    out.push(`# onramp benchmark${smoke ? ' (smoke: numbers are not meaningful)' : ''}`, '', ...describeMachine(tools).map((l) => `- ${l}`), '');
    const backend = await startBackend(processes, tools, dir);
    const ctx: RunContext = {
      processes,
      tools,
      dir,
      backendA: backend.a,
      backendB: backend.b,
      onrampNodeFlags: v['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
    };

    let summaries: TargetSummary[] | null = null;
    let scale: ScaleResult | null = null;
    let reload: ReloadResult | null = null;
    if (targets.length > 0) {
      summaries = await runThroughput(ctx, {
        targets,
        rounds,
        durationSeconds,
        warmupSeconds,
        connections,
        threads: 1,
        path: '/v1/bench',
        log,
      });
      out.push(
        `## HTTP/1.1 keep-alive, wrk -t1 -c${connections}, ${rounds} round(s) of ${durationSeconds} s after ${warmupSeconds} s warm-up (medians)`,
        '',
        throughputTable(summaries),
        '',
      );
      failed ||= summaries.some((s) => s.error !== null);
    }
    if (only.includes('h2')) {
      // 10 connections × 10 streams: 100 requests in flight, like a browser-heavy or gRPC-style client mix.
      const h2 = { rounds, durationSeconds, warmupSeconds, clients: 10, streams: 10, path: '/v1/bench', log };
      const results = await runH2(ctx, h2);
      out.push(...h2Tables(results, h2));
      failed ||= results.some((r) => r.summaries.some((s) => s.error !== null));
    }
    if (only.includes('scale')) {
      scale = await runScale(ctx, { smoke, log });
      out.push(...scaleTables(scale), '');
      failed ||= scale.failed;
    }
    if (only.includes('reload')) {
      reload = await runReload(ctx, { smoke, connections, log });
      out.push(reloadTable(reload), '');
      failed ||= reload.error !== null;
    }
    if (only.includes('workers')) {
      // Two wrk threads and 100 connections: enough load for two worker processes.
      const workers = await runWorkers(ctx, { rounds, durationSeconds, warmupSeconds, connections: 100, threads: 2, log });
      out.push(...workersTable(workers), '');
      failed ||= workers.error !== null;
    }
    if (!smoke) out.push(goalsTable(summaries, scale, reload));
    out.push(`load average (1, 5, 15 min) at the end: ${loadAverage()}`, '');
    process.stdout.write(`${out.join('\n')}\n`);
    if (v['cpu-prof']) log(`onramp CPU profiles: ${profDir} (summarise: node bench/profile-summary.ts ${profDir})`);
  } catch (err) {
    log(`bench: ${(err as Error).stack ?? String(err)}`);
    failed = true;
  } finally {
    await processes.stopAll();
    if (!v.keep && !v['cpu-prof']) await rm(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
