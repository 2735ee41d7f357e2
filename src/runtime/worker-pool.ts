// `onramp run --workers N`: the primary keeps the source, translate, addresses, statuses and the admin API,
// and hands every config to N worker processes that serve the traffic. To the reconciler the pool is just
// a DataPlane: apply() resolves once every worker has applied the config, with their reports merged, so
// readiness and the bind statuses work as with one process.
//
// node:cluster shares the listening sockets: the primary binds each address:port once and passes the
// handle to the workers. SCHED_NONE lets the kernel give each connection to one of the workers accepting
// on it; the default round-robin policy would accept every connection in the primary and pass it on.
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/types.ts';
import type { ApplyReport, DataPlane } from '../dataplane/types.ts';
import type { Logger } from '../log.ts';
import { ConfigEncoder } from './config-wire.ts';
import { mergeApplyReports } from './merge-reports.ts';
import { WORKER_LOG_LEVEL_ENV } from './worker-env.ts';
import type { ToWorker } from './worker-protocol.ts';
import { readWorkerMessage } from './worker-protocol.ts';

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.ts', import.meta.url));

export interface WorkerPoolOptions {
  /** How many worker processes serve traffic (2 or more; one process serves without a pool). */
  workers: number;
  /** Passed on to the workers' loggers. */
  logLevel: string;
  logger: Logger;
  /** How long close() waits for workers to drain before killing them (default 15 s; the drain is 10 s). */
  stopTimeoutMs?: number;
}

/** One worker process and where it is in the config sequence. */
interface Slot {
  worker: Worker;
  pid: number;
  startedAt: number;
  /** Sent 'ready': its message listener is installed. */
  ready: boolean;
  /** The config seq it is applying now, or null when idle. */
  applying: number | null;
  /** The newest config seq it has answered (0: none yet), with its report or error. */
  answered: number;
  report: ApplyReport | null;
  error: string | null;
  connections: number;
  /**
   * The virtual hosts (config-wire.ts numbers) of the last config sent to this worker, which it holds once
   * it has decoded that config; null when it may hold none (new, or it reported an error).
   */
  known: Set<number> | null;
}

/** An apply() waiting for every worker to answer its config (or a newer one). */
interface Waiter {
  seq: number;
  resolve(report: ApplyReport): void;
  reject(err: Error): void;
}

/** A worker that exits sooner than this after starting counts towards the restart backoff. */
const QUICK_EXIT_MS = 5_000;
const RESTART_MIN_MS = 100;
const RESTART_MAX_MS = 10_000;

let clusterConfigured = false;

function configureCluster(): void {
  if (clusterConfigured) return;
  clusterConfigured = true;
  // Must be set before the first fork: the cluster module freezes the policy then.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: WORKER_MAIN, args: [], serialization: 'advanced', silent: false });
}

export class WorkerPool implements DataPlane {
  readonly #options: WorkerPoolOptions;
  readonly #logger: Logger;
  readonly #slots = new Map<number, Slot>();
  readonly #waiters = new Set<Waiter>();
  readonly #restartTimers = new Set<NodeJS.Timeout>();
  /** The newest config, sent to every worker (and to replacements at once). */
  #latest: { seq: number; config: Config } | null = null;
  /** The newest config every worker applied; replacements fall back to it if the latest keeps crashing them. */
  #good: { seq: number; config: Config } | null = null;
  /** Writes each config for each worker with references to the virtual hosts it already holds. */
  readonly #encoder = new ConfigEncoder();
  #seq = 0;
  /** Workers that exited while applying the latest config. */
  #crashesOnLatest = 0;
  #quickExits = 0;
  #closing: Promise<void> | null = null;

  private constructor(options: WorkerPoolOptions) {
    this.#options = options;
    this.#logger = options.logger;
  }

  /** Forks the workers and resolves once each listens for configs; throws if one exits before that. */
  static async start(options: WorkerPoolOptions): Promise<WorkerPool> {
    configureCluster();
    const pool = new WorkerPool(options);
    const starting: Promise<void>[] = [];
    for (let i = 0; i < options.workers; i++) starting.push(pool.#fork());
    try {
      await Promise.all(starting);
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** The workers running now: cluster id, pid and connections accepted so far (as of their last answer). */
  workers(): { worker: number; pid: number; connections: number }[] {
    return [...this.#slots.values()].map((s) => ({ worker: s.worker.id, pid: s.pid, connections: s.connections }));
  }

  apply(config: Config): Promise<ApplyReport> {
    if (this.#closing) return Promise.reject(new Error('the worker pool is closed'));
    // Serialized per worker when it is sent, with only what that worker does not hold yet written out.
    this.#latest = { seq: ++this.#seq, config };
    this.#crashesOnLatest = 0;
    const done = new Promise<ApplyReport>((resolve, reject) => this.#waiters.add({ seq: this.#latest!.seq, resolve, reject }));
    for (const slot of this.#slots.values()) this.#pump(slot);
    this.#settle();
    return done;
  }

  close(): Promise<void> {
    this.#closing ??= this.#stopAll();
    return this.#closing;
  }

  async #stopAll(): Promise<void> {
    for (const timer of this.#restartTimers) clearTimeout(timer);
    this.#restartTimers.clear();
    for (const w of this.#waiters) w.reject(new Error('the worker pool is closing'));
    this.#waiters.clear();
    const exits = [...this.#slots.values()].map(
      (slot) =>
        new Promise<void>((resolve) => {
          if (slot.worker.isDead()) return resolve();
          slot.worker.once('exit', () => resolve());
          // A worker still loading serves nothing and may not hear messages yet: stop it outright.
          if (!slot.ready) {
            slot.worker.process.kill('SIGKILL');
            return;
          }
          this.#send(slot, { type: 'shutdown' });
          // A worker that cannot finish draining in time is killed rather than holding the exit forever.
          const timer = setTimeout(() => slot.worker.process.kill('SIGKILL'), this.#options.stopTimeoutMs ?? 15_000);
          slot.worker.once('exit', () => clearTimeout(timer));
        }),
    );
    await Promise.all(exits);
  }

  /** Forks one worker; resolves when it is ready, rejects if it exits first. */
  #fork(): Promise<void> {
    const worker = cluster.fork({ [WORKER_LOG_LEVEL_ENV]: this.#options.logLevel });
    const slot: Slot = {
      worker,
      pid: worker.process.pid ?? 0,
      startedAt: Date.now(),
      ready: false,
      applying: null,
      answered: 0,
      report: null,
      error: null,
      connections: 0,
      known: null,
    };
    this.#slots.set(worker.id, slot);
    this.#logger.info({ worker: worker.id, pid: slot.pid }, 'worker started');
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (value: unknown) => {
        const message = readWorkerMessage(value);
        if (message === null) {
          this.#logger.warn({ worker: worker.id }, 'ignoring an unknown message from a worker');
          return;
        }
        if (message.type === 'ready') {
          slot.ready = true;
          resolve();
          this.#pump(slot);
          return;
        }
        if (message.seq !== slot.applying) return;
        if (slot.answered === 0 && message.error === null) {
          this.#logger.info({ worker: worker.id, pid: slot.pid, seq: message.seq }, 'worker serving');
        }
        slot.applying = null;
        slot.answered = message.seq;
        slot.report = message.report;
        slot.error = message.error;
        slot.connections = message.connections;
        // After an error the worker may have dropped what it held: the next config goes out whole.
        if (message.error !== null) slot.known = null;
        if (message.error !== null) this.#logger.error({ worker: worker.id, seq: message.seq, error: message.error }, 'a worker could not apply the config');
        this.#pump(slot);
        this.#settle();
      });
      // Sending to a worker that just died fails here; its 'exit' handles the rest.
      worker.on('error', (err: Error) => this.#logger.warn({ worker: worker.id, error: err.message }, 'worker channel error'));
      worker.on('exit', (code: number | null, signal: string | null) => {
        this.#slots.delete(worker.id);
        if (!slot.ready) reject(new Error(`worker ${worker.id} exited (${signal ?? code}) before it was ready`));
        if (this.#closing) return;
        this.#replace(slot, code, signal);
        this.#settle();
      });
    });
  }

  /** A worker died while the pool runs: start another; it gets the current config as soon as it is ready. */
  #replace(slot: Slot, code: number | null, signal: string | null): void {
    if (this.#latest !== null && slot.applying === this.#latest.seq) this.#crashesOnLatest += 1;
    this.#quickExits = Date.now() - slot.startedAt < QUICK_EXIT_MS ? this.#quickExits + 1 : 0;
    // Restarts back off while workers keep dying young, so a crash loop does not eat the machine.
    const delay = this.#quickExits === 0 ? 0 : Math.min(RESTART_MIN_MS * 2 ** (this.#quickExits - 1), RESTART_MAX_MS);
    this.#logger.warn({ worker: slot.worker.id, pid: slot.pid, code, signal, restartInMs: delay }, 'worker exited; starting a replacement');
    const timer = setTimeout(() => {
      this.#restartTimers.delete(timer);
      if (this.#closing) return;
      this.#fork().catch((err: unknown) => this.#logger.error({ error: (err as Error).message }, 'replacement worker failed to start'));
    }, delay);
    this.#restartTimers.add(timer);
  }

  /** Sends the latest config to an idle, ready worker that has not had it; never queues stale configs. */
  #pump(slot: Slot): void {
    const latest = this.#latest;
    if (!slot.ready || slot.applying !== null || latest === null || slot.answered >= latest.seq) return;
    slot.applying = latest.seq;
    const { json, ids } = this.#encoder.encode(latest.config, slot.known);
    // The worker handles messages in order and answers each before it gets the next: once it has this one,
    // it holds exactly these virtual hosts.
    slot.known = ids;
    this.#send(slot, { type: 'config', seq: latest.seq, json });
  }

  #send(slot: Slot, message: ToWorker): void {
    if (!slot.worker.isConnected()) return;
    slot.worker.send(message, undefined, (err: Error | null) => {
      if (err) this.#logger.warn({ worker: slot.worker.id, error: err.message }, 'cannot send to a worker');
    });
  }

  /** Resolves the apply() calls every running worker has answered. */
  #settle(): void {
    if (this.#waiters.size === 0) return;
    const slots = [...this.#slots.values()];
    const latest = this.#latest;
    // As many crashes on one config as there are workers: the config itself kills them. Give it up, and let
    // replacements serve the last config that worked (the reconciler keeps reporting that one too).
    if (latest !== null && this.#crashesOnLatest >= this.#options.workers) {
      this.#logger.error({ seq: latest.seq }, 'workers keep exiting while applying this config; falling back to the last good one');
      this.#latest = this.#good;
      this.#crashesOnLatest = 0;
      for (const w of this.#waiters) w.reject(new Error('workers exit while applying this config'));
      this.#waiters.clear();
      for (const slot of slots) this.#pump(slot);
      return;
    }
    for (const w of this.#waiters) {
      // No worker running (all are being replaced): wait for the replacements.
      if (slots.length === 0 || slots.some((s) => s.answered < w.seq)) continue;
      this.#waiters.delete(w);
      const failed = slots.find((s) => s.error !== null);
      if (failed) {
        // The workers kept serving the previous config; replacements must get that one, not the refused one.
        if (latest !== null && w.seq === latest.seq) this.#latest = this.#good;
        w.reject(new Error(failed.error!));
        continue;
      }
      if (latest !== null && w.seq === latest.seq) this.#good = latest;
      this.#logger.info({ seq: w.seq, workers: this.workers() }, 'workers applied config');
      w.resolve(mergeApplyReports(slots.map((s) => s.report!)));
    }
  }
}
