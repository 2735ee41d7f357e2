// Child processes of a benchmark run: started in a process group of their own, stopped by that PID (TERM,
// then KILL), and always cleaned up, also when the run fails or is interrupted with Ctrl-C.

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface Started {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) when the process has ended. */
  exited: Promise<number | string | null>;
  /** The last few kilobytes of stdout and stderr, for error messages. */
  output(): string;
}

const OUTPUT_TAIL = 8192;

export class Processes {
  readonly #running = new Map<number, Started>();
  readonly #atInterrupt: (() => Promise<void>)[] = [];

  constructor() {
    // Ctrl-C or a TERM must not leave proxies behind: stop what we started, then exit as interrupted.
    const onSignal = (signal: NodeJS.Signals): void => {
      process.stderr.write(`\n${signal}: stopping ${this.#running.size} process(es)\n`);
      void this.stopAll()
        .then(() => Promise.allSettled(this.#atInterrupt.map((f) => f())))
        .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // Last resort (an exception escaped, process.exit was called): kill synchronously.
    process.once('exit', () => this.killAllNow());
  }

  /** Runs `f` after the processes are stopped when the run is interrupted (e.g. to remove temp files). */
  atInterrupt(f: () => Promise<void>): void {
    this.#atInterrupt.push(f);
  }

  start(name: string, command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Started {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own: the Ctrl-C of the terminal reaches only us, and stopping the group also stops
      // the workers a master process forked (nginx).
      detached: true,
    });
    let tail = '';
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<number | string | null>((resolve) => {
      // 'close', not 'exit': by then stdout and stderr are drained, so output() is complete.
      child.once('close', (code, signal) => resolve(code ?? signal));
      child.once('error', (err) => {
        keep(Buffer.from(`spawn error: ${err.message}\n`));
        resolve(null);
      });
    });
    if (child.pid === undefined) {
      // spawn failed (e.g. ENOENT); 'error' fires on the next tick and resolves `exited`.
      return { name, pid: -1, child, exited, output: () => tail };
    }
    const started: Started = { name, pid: child.pid, child, exited, output: () => tail };
    this.#running.set(child.pid, started);
    void exited.then(() => this.#running.delete(started.pid));
    return started;
  }

  /** Stops one process group: TERM, then KILL after `graceMs`. */
  async stop(p: Started, graceMs = 3000): Promise<void> {
    if (p.pid < 0 || !this.#running.has(p.pid)) return;
    signalGroup(p.pid, 'SIGTERM');
    const done = await Promise.race([p.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      signalGroup(p.pid, 'SIGKILL');
      await p.exited;
    }
    // Workers of the group may outlive a master that exited on TERM; they are ours, so make sure.
    signalGroup(p.pid, 'SIGKILL');
    this.#running.delete(p.pid);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#running.values()].map((p) => this.stop(p)));
  }

  killAllNow(): void {
    for (const pid of this.#running.keys()) signalGroup(pid, 'SIGKILL');
    this.#running.clear();
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once something accepts TCP connections on host:port; rejects on timeout or when `p` exits first. */
export async function waitForPort(host: string, port: number, timeoutMs: number, p?: Started): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void p?.exited.then(() => {
    exited = true;
  });
  for (;;) {
    if (await canConnect(host, port)) return;
    if (exited) throw new Error(`${p?.name} exited before listening on ${host}:${port}:\n${p?.output().trim()}`);
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port that is free on `host` right now (the kernel picks it). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
