// Runs `onramp run` as a child process, the way a user starts it, on a loopback range of the test's own, and
// gives tests what they need to talk to it: the admin port, polling helpers and a clean stop.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(REPO_ROOT, 'bin/onramp.js');

export interface Onramp {
  child: ChildProcess;
  adminPort: number;
  /** Every log line so far, parsed. */
  logs: Record<string, unknown>[];
  admin(pathname: string): Promise<{ status: number; body: unknown }>;
  stop(): Promise<number | null>;
}

/** Starts `onramp run -f dir --admin-port 0 --address-pool pool` and waits until it has applied a config. */
export async function startOnramp(dir: string, pool: string, extra: string[] = []): Promise<Onramp> {
  const child = spawn(process.execPath, [BIN, 'run', '-f', dir, '--admin-port', '0', '--address-pool', pool, '--log-level', 'info', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let buffered = '';
  const adminPort = await new Promise<number>((resolve, reject) => {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'admin API listening') resolve(entry.port as number);
        } catch {
          logs.push({ raw: line });
        }
      }
    });
    void exited.then((code) => reject(new Error(`onramp exited with ${code} before listening: ${JSON.stringify(logs)}`)));
  });
  const admin = async (pathname: string) => {
    const res = await fetch(`http://127.0.0.1:${adminPort}${pathname}`);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Plain-text endpoints (healthz, readyz).
    }
    return { status: res.status, body };
  };
  const onramp: Onramp = {
    child,
    adminPort,
    logs,
    admin,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  try {
    await eventually(async () => (await admin('/readyz')).status === 200, 'onramp ready');
  } catch (err) {
    await onramp.stop();
    throw err;
  }
  return onramp;
}

/** Polls `check` until it returns true; fails after `timeoutMs` (a generous bound, not a timing claim). */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'onramp-e2e-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Replaces a file in one step, as editors do, so the watcher never reads half a file. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** GatewayClass, Gateway (address from the pool) with an HTTP listener, and a Service + EndpointSlice per backend. */
export function baseManifests(options: { port: number; backends: { name: string; host: string; port: number }[] }): string {
  const docs = [
    `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: onramp
spec:
  controllerName: onramp.dev/gateway-controller`,
    `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: default
spec:
  gatewayClassName: onramp
  listeners:
  - name: http
    protocol: HTTP
    port: ${options.port}`,
  ];
  for (const b of options.backends) {
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${b.name}
  namespace: default
spec:
  ports:
  - name: http
    port: 80
    targetPort: ${b.port}`);
    docs.push(`apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${b.name}-1
  namespace: default
  labels:
    kubernetes.io/service-name: ${b.name}
addressType: IPv4
endpoints:
- addresses: [${b.host}]
  conditions: {ready: true}
ports:
- name: http
  port: ${b.port}`);
  }
  return `${docs.join('\n---\n')}\n`;
}

/** An HTTPRoute on Gateway `gw` sending `prefix` of `host` to Service `backend`. */
export function routeManifest(options: { host: string; prefix: string; backend: string; header?: [string, string] }): string {
  const filters = options.header
    ? `
    filters:
    - type: ResponseHeaderModifier
      responseHeaderModifier:
        set:
        - name: ${options.header[0]}
          value: "${options.header[1]}"`
    : '';
  return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: route
  namespace: default
spec:
  parentRefs:
  - name: gw
  hostnames: ["${options.host}"]
  rules:
  - matches:
    - path: {type: PathPrefix, value: ${options.prefix}}${filters}
    backendRefs:
    - name: ${options.backend}
      port: 80
`;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP/1.1 request with an explicit Host header (fetch does not let a caller set Host). */
export function request(address: string, port: number, host: string, pathname: string, agent?: http.Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: address, port, path: pathname, headers: { host }, agent: agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
