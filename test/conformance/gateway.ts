// The cluster's part of the run: the objects applied so far live as YAML files in one folder that
// `onramp run -f DIR` watches (applying = writing a file, deleting = removing it), and onramp runs as a child
// process whose admin API reports status.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, renameSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import { mergePatch, objectKey, substitute } from './manifests.ts';
import type { Obj, Substitutions } from './manifests.ts';
import type { StatusItem } from './status.ts';

/** Kinds a cluster runs rather than the gateway reads: the runner plays them (see backends.ts). */
const RUNNER_KINDS = new Set(['Deployment']);

export class ManifestFolder {
  readonly dir: string;
  private readonly subs: Substitutions;
  /** The objects of each file as the manifests wrote them (substitutions are made when writing). */
  private readonly files = new Map<string, Obj[]>();

  constructor(dir: string, subs: Substitutions) {
    this.dir = dir;
    this.subs = subs;
    mkdirSync(dir, { recursive: true });
  }

  /** Writes (or rewrites) one file; the rename makes the change appear at once to the watcher. */
  write(file: string, objects: readonly Obj[]): void {
    this.files.set(file, [...objects]);
    const docs = objects.filter((o) => !RUNNER_KINDS.has(o.kind)).map((o) => stringify(substitute(o, this.subs)));
    const target = path.join(this.dir, file);
    const temp = `${target}.partial`;
    writeFileSync(temp, docs.join('---\n'));
    renameSync(temp, target);
  }

  remove(file: string): void {
    this.files.delete(file);
    rmSync(path.join(this.dir, file), { force: true });
  }

  /** Every object applied, substituted, in file order. */
  objects(): Obj[] {
    return [...this.files.values()].flat().map((o) => substitute(o, this.subs));
  }

  objectsOf(file: string): Obj[] {
    return (this.files.get(file) ?? []).map((o) => substitute(o, this.subs));
  }

  private locate(kind: string, name: string, namespace?: string): { file: string; index: number } | null {
    const key = objectKey({ kind, metadata: { name, namespace } });
    for (const [file, objects] of this.files) {
      const index = objects.findIndex((o) => objectKey(o) === key);
      if (index >= 0) return { file, index };
    }
    return null;
  }

  /**
   * Applies objects as `kubectl apply` would: an object already applied is replaced where it is, the others
   * go into `file`.
   */
  apply(file: string, objects: readonly Obj[]): void {
    const fresh: Obj[] = [];
    for (const o of objects) {
      const at = this.locate(o.kind, o.metadata.name, o.metadata.namespace);
      if (at === null) {
        fresh.push(o);
        continue;
      }
      const existing = [...(this.files.get(at.file) as Obj[])];
      existing[at.index] = o;
      this.write(at.file, existing);
    }
    if (fresh.length > 0) this.write(file, [...(this.files.get(file) ?? []), ...fresh]);
  }

  fileNames(): string[] {
    return [...this.files.keys()];
  }

  /** Applies an RFC 7386 merge patch to an applied object (the placeholders in it are substituted too). */
  patch(kind: string, name: string, namespace: string | undefined, patch: unknown): void {
    const at = this.locate(kind, name, namespace);
    if (at === null) throw new Error(`cannot patch ${kind} ${namespace ?? ''}/${name}: not applied`);
    const objects = [...(this.files.get(at.file) as Obj[])];
    objects[at.index] = mergePatch(objects[at.index], patch) as Obj;
    this.write(at.file, objects);
  }

  delete(kind: string, name: string, namespace?: string): void {
    const at = this.locate(kind, name, namespace);
    if (at === null) throw new Error(`cannot delete ${kind} ${namespace ?? ''}/${name}: not applied`);
    const objects = (this.files.get(at.file) as Obj[]).filter((_, i) => i !== at.index);
    if (objects.length === 0) this.remove(at.file);
    else this.write(at.file, objects);
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface GatewayOptions {
  repoRoot: string;
  manifestDir: string;
  controllerName: string;
  addressPool: string;
  adminPort: number;
  logFile: string;
  logLevel?: string;
}

/** `onramp run` as a child process. */
export class GatewayProcess {
  private child: ChildProcess | null = null;
  private exited: string | null = null;
  readonly adminUrl: string;
  private readonly options: GatewayOptions;

  constructor(options: GatewayOptions) {
    this.options = options;
    this.adminUrl = `http://127.0.0.1:${options.adminPort}`;
  }

  start(): void {
    const o = this.options;
    const log = openSync(o.logFile, 'a');
    this.child = spawn(
      process.execPath,
      [
        path.join(o.repoRoot, 'bin/onramp.js'), 'run', '-f', o.manifestDir,
        '--admin-address', '127.0.0.1', '--admin-port', String(o.adminPort),
        '--address-pool', o.addressPool, '--controller-name', o.controllerName,
        '--log-level', o.logLevel ?? 'info',
      ],
      { stdio: ['ignore', log, log], cwd: o.repoRoot },
    );
    closeSync(log);
    this.child.on('exit', (code, signal) => {
      this.exited = `onramp exited (${signal ?? code})`;
    });
  }

  /** Why the process is gone, or null while it runs. */
  get failure(): string | null {
    return this.exited;
  }

  async get(pathname: string): Promise<{ status: number; body: string }> {
    const res = await fetch(this.adminUrl + pathname, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  }

  /** Waits for GET /readyz to answer 200. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (this.exited !== null) throw new Error(this.exited);
      try {
        const r = await this.get('/readyz');
        if (r.status === 200) return;
        last = `readyz ${r.status}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`onramp not ready after ${timeoutMs} ms: ${last}`);
  }

  async statusItems(): Promise<StatusItem[]> {
    const r = await this.get('/api/v1/status');
    if (r.status !== 200) throw new Error(`GET /api/v1/status: ${r.status}`);
    const list = JSON.parse(r.body) as { items?: StatusItem[] };
    return list.items ?? [];
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === null || this.exited !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
