// The proxies under comparison and the backend they all forward to. Each start function writes its
// config into the run's temp dir, starts the process, and resolves once it routes like topology.ts says.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { haproxyConf } from './configs/haproxy.ts';
import type { BenchCert } from './certs.ts';
import { nginxBackendConf, nginxProxyConf, type FrontProtocol } from './configs/nginx.ts';
import { toYaml } from './configs/onramp.ts';
import { h2Objects } from './configs/onramp-h2.ts';
import type { HostPort, Topology } from './configs/topology.ts';
import { BENCH_HOSTNAME, BENCH_PREFIX } from './configs/topology.ts';
import { checkRoutingH2 } from './h2-check.ts';
import { checkRouting, until } from './http-check.ts';
import { freePort, waitForPort, type Processes, type Started } from './processes.ts';
import type { ToolPaths } from './tools.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ONRAMP_BIN = path.join(REPO_ROOT, 'bin', 'onramp.js');

export interface RunContext {
  processes: Processes;
  tools: ToolPaths;
  /** The run's temp dir; each target gets a folder in it. */
  dir: string;
  backendA: HostPort;
  backendB: HostPort;
  /** Extra node flags for onramp (e.g. --cpu-prof). */
  onrampNodeFlags: string[];
}

export interface RunningTarget {
  name: string;
  topology: Topology;
  process: Started;
}

export type TargetName = 'nginx' | 'haproxy' | 'onramp' | 'undici';
export const TARGETS: readonly TargetName[] = ['nginx', 'haproxy', 'onramp', 'undici'];

const LOOPBACK = '127.0.0.1';
const START_TIMEOUT_MS = 15_000;

export async function topologyFor(ctx: RunContext): Promise<Topology> {
  return {
    listen: { host: LOOPBACK, port: await freePort(LOOPBACK) },
    backendA: ctx.backendA,
    backendB: ctx.backendB,
    hostname: BENCH_HOSTNAME,
    prefix: BENCH_PREFIX,
    upstreamKeepalive: 64,
  };
}

async function targetDir(ctx: RunContext, name: string): Promise<string> {
  const dir = path.join(ctx.dir, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

function need(ctx: RunContext, tool: string): string {
  const p = ctx.tools[tool];
  if (!p) throw new NotAvailable(`${tool} is not installed`);
  return p;
}

/** A target that cannot run here (tool or onramp missing): its row says so instead of failing the run. */
export class NotAvailable extends Error {}

/** The fast backend: one nginx serving backend A and B on two ports. */
export async function startBackend(processes: Processes, tools: ToolPaths, dir: string): Promise<{ a: HostPort; b: HostPort; process: Started }> {
  const nginx = tools.nginx;
  if (!nginx) throw new Error('nginx is not installed; it is the backend of every benchmark');
  const a = { host: LOOPBACK, port: await freePort(LOOPBACK) };
  const b = { host: LOOPBACK, port: await freePort(LOOPBACK) };
  const d = path.join(dir, 'backend');
  await mkdir(d, { recursive: true });
  await writeFile(path.join(d, 'nginx.conf'), nginxBackendConf(d, a, b));
  const p = processes.start('backend', nginx, ['-p', d, '-c', path.join(d, 'nginx.conf')]);
  await waitForPort(a.host, a.port, START_TIMEOUT_MS, p);
  await waitForPort(b.host, b.port, START_TIMEOUT_MS, p);
  return { a, b, process: p };
}

/** How clients speak to the proxies of one comparison, and the key pair for the h2 (TLS) front. */
export interface Front {
  protocol: FrontProtocol;
  cert: BenchCert | null;
}

const HTTP1: Front = { protocol: 'http/1.1', cert: null };

async function ready(name: string, t: Topology, p: Started, front: Front): Promise<RunningTarget> {
  await waitForPort(t.listen.host, t.listen.port, START_TIMEOUT_MS, p);
  const check = front.protocol === 'http/1.1' ? () => checkRouting(t) : () => checkRoutingH2(t, front.protocol, front.cert);
  const problem = await until(check, START_TIMEOUT_MS);
  if (problem) throw new Error(`${name} does not route as configured: ${problem}`);
  return { name, topology: t, process: p };
}

/** Starts one proxy of the comparison with the shared routing, for HTTP/1.1 clients or the given front. */
export async function startTarget(ctx: RunContext, name: TargetName, front: Front = HTTP1): Promise<RunningTarget> {
  const t = await topologyFor(ctx);
  const dir = await targetDir(ctx, front === HTTP1 ? name : `${name}-${front.protocol}`);
  const tls = front.cert ?? undefined;
  switch (name) {
    case 'nginx': {
      const nginx = need(ctx, 'nginx');
      await writeFile(path.join(dir, 'nginx.conf'), nginxProxyConf(dir, t, front.protocol, tls));
      return ready(name, t, ctx.processes.start(name, nginx, ['-p', dir, '-c', path.join(dir, 'nginx.conf')]), front);
    }
    case 'haproxy': {
      const haproxy = need(ctx, 'haproxy');
      const pem = path.join(dir, 'bench.pem');
      if (tls) await writeFile(pem, tls.cert + tls.key);
      await writeFile(path.join(dir, 'haproxy.cfg'), haproxyConf(t, front.protocol, pem));
      return ready(name, t, ctx.processes.start(name, haproxy, ['-db', '-f', path.join(dir, 'haproxy.cfg')]), front);
    }
    case 'undici': {
      if (front !== HTTP1) throw new NotAvailable('the undici baseline speaks HTTP/1.1 only');
      const script = path.join(REPO_ROOT, 'bench', 'baseline-undici.ts');
      const args = [script, '--listen', `${t.listen.host}:${t.listen.port}`, '--a', `${t.backendA.host}:${t.backendA.port}`, '--b', `${t.backendB.host}:${t.backendB.port}`];
      return ready(name, t, ctx.processes.start(name, process.execPath, args), front);
    }
    case 'onramp': {
      const started = await startOnramp(ctx, dir, toYaml(h2Objects(t, front.protocol, front.cert)));
      return ready(name, t, started.process, front);
    }
  }
}

/**
 * Starts `onramp run` on a folder holding `manifests` (in `file`); resolves once its admin API answers.
 * `workers` defaults to one process, like the one-worker nginx and haproxy it is compared with.
 */
export async function startOnramp(
  ctx: RunContext,
  dir: string,
  manifests: string,
  { file = 'bench.yaml', workers = 1, name = 'onramp' }: { file?: string; workers?: number; name?: string } = {},
): Promise<{ process: Started; adminPort: number; manifestDir: string }> {
  if (!existsSync(ONRAMP_BIN)) throw new NotAvailable('bin/onramp.js does not exist yet');
  const manifestDir = path.join(dir, 'manifests');
  await mkdir(manifestDir, { recursive: true });
  await writeFile(path.join(manifestDir, file), manifests);
  const adminPort = await freePort(LOOPBACK);
  const args = [
    ...ctx.onrampNodeFlags,
    ONRAMP_BIN,
    'run',
    '-f',
    manifestDir,
    '--admin-address',
    LOOPBACK,
    '--admin-port',
    String(adminPort),
    '--log-level',
    'warn',
    '--workers',
    String(workers),
  ];
  const p = ctx.processes.start(name, process.execPath, args, { cwd: dir });
  try {
    await waitForPort(LOOPBACK, adminPort, START_TIMEOUT_MS, p);
  } catch (err) {
    // While onramp is being built, a module it imports may not exist yet: say so instead of failing.
    if (/ERR_MODULE_NOT_FOUND/.test(p.output())) throw new NotAvailable(`onramp is incomplete: ${/Cannot find module '[^']*'/.exec(p.output())?.[0] ?? 'a module is missing'}`);
    throw err;
  }
  return { process: p, adminPort, manifestDir };
}
