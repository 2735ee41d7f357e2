// The loop behind `onramp run`: every snapshot the source emits is translated and applied to the data plane,
// one at a time. A snapshot that arrives during an apply waits; when several arrive, only the newest runs
// (each snapshot is complete, so the ones in between have nothing the newest lacks). A translate or apply
// that fails leaves the last good config serving (DESIGN.md: errors never stop the last good config).
import type { Gateway, Rejection, Snapshot } from '../api/types.ts';
import type { Config } from '../config/types.ts';
import type { ApplyReport, DataPlane } from '../dataplane/types.ts';
import type { Logger } from '../log.ts';
import type { TranslateOptions, TranslateResult } from '../translate/types.ts';
import { withBindFailures } from './bind-status.ts';
import { holdLastGood } from './hold-last-good.ts';
import type { StatusList } from './status-store.ts';
import { StatusStore } from './status-store.ts';

export type TranslateFn = (snapshot: Snapshot, options: TranslateOptions) => TranslateResult;
export type AssignAddressesFn = (
  gateways: readonly Gateway[],
  previous: Readonly<Record<string, string>>,
  pool: readonly string[],
) => Record<string, string>;

export interface ReconcilerOptions {
  translate: TranslateFn;
  assignAddresses: AssignAddressesFn;
  dataPlane: DataPlane;
  controllerName: string;
  /** Addresses for Gateways without spec.addresses (see addressPool). */
  pool: readonly string[];
  logger: Logger;
  statusStore?: StatusStore;
}

/** What one reconcile did, for logs and tests. */
export type ReconcileOutcome =
  | { applied: true; report: ApplyReport }
  | { applied: false; error: string };

function rejectionLine(r: Rejection): string {
  return `${r.where}: ${r.reason}`;
}

/** Only Gateways of a class naming our controller take an address from the pool. */
export function ourGateways(snapshot: Snapshot, controllerName: string): Gateway[] {
  const ours = new Set(snapshot.gatewayClasses.filter((c) => c.spec?.controllerName === controllerName).map((c) => c.metadata.name));
  return snapshot.gateways.filter((g) => ours.has(g.spec?.gatewayClassName));
}

/** Counts for the one-line summary logged per applied config. */
export function configSummary(config: Config): { ports: number; listeners: number; virtualHosts: number; rules: number } {
  let listeners = 0;
  let virtualHosts = 0;
  let rules = 0;
  for (const p of config.ports) {
    listeners += p.listeners.length;
    for (const l of p.listeners) {
      virtualHosts += l.virtualHosts.length;
      for (const v of l.virtualHosts) rules += v.rules.length;
    }
  }
  return { ports: config.ports.length, listeners, virtualHosts, rules };
}

export class Reconciler {
  readonly #options: ReconcilerOptions;
  readonly #status: StatusStore;
  #addresses: Record<string, string> = {};
  #config: Config | null = null;
  /** The snapshot behind #config, with held objects: where last good versions come from. */
  #lastGood: Snapshot | null = null;
  #rejected: readonly Rejection[] = [];
  #loggedRejections = new Set<string>();
  #loggedHeld = '';
  #pending: Snapshot | null = null;
  #running: Promise<void> | null = null;
  #generation = 0;

  constructor(options: ReconcilerOptions) {
    this.#options = options;
    this.#status = options.statusStore ?? new StatusStore();
  }

  /** Queues a snapshot; returns at once. Only the newest queued snapshot is reconciled after the current one. */
  submit(snapshot: Snapshot): void {
    this.#pending = snapshot;
    this.#running ??= this.#drain();
  }

  /** Resolves when every submitted snapshot has been reconciled. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** How many configs have been applied so far. */
  get appliedCount(): number {
    return this.#generation;
  }

  ready(): boolean {
    return this.#config !== null;
  }

  config(): Config | null {
    return this.#config;
  }

  status(): StatusList {
    return this.#status.list();
  }

  rejected(): readonly Rejection[] {
    return this.#rejected;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending) {
        const snapshot = this.#pending;
        this.#pending = null;
        await this.reconcile(snapshot);
      }
    } finally {
      this.#running = null;
    }
  }

  /** Translates and applies one snapshot now. Never throws: failures are logged and the last config stays. */
  async reconcile(received: Snapshot): Promise<ReconcileOutcome> {
    const { logger, controllerName } = this.#options;
    this.#noteRejections(received.rejected);
    const { snapshot, held } = holdLastGood(received, this.#lastGood);
    const heldNow = held.join(',');
    if (heldNow !== this.#loggedHeld && held.length > 0) {
      logger.warn({ objects: held }, 'files have errors; serving the last good version of their objects');
    }
    this.#loggedHeld = heldNow;

    const t0 = performance.now();
    const gateways = ourGateways(snapshot, controllerName);
    let addresses: Record<string, string>;
    let result: TranslateResult;
    try {
      addresses = this.#options.assignAddresses(gateways, this.#addresses, this.#options.pool);
      result = this.#options.translate(snapshot, { controllerName, addresses });
    } catch (err) {
      logger.error({ err }, 'translate failed; the last good config keeps serving');
      return { applied: false, error: String(err) };
    }

    const t1 = performance.now();
    let report: ApplyReport;
    try {
      report = await this.#options.dataPlane.apply(result.config);
    } catch (err) {
      logger.error({ err }, 'applying the config failed; the last good config keeps serving');
      return { applied: false, error: String(err) };
    }

    const t2 = performance.now();
    this.#addresses = addresses;
    this.#config = result.config;
    this.#lastGood = snapshot;
    this.#status.record(snapshot, withBindFailures(result, result.config, report.failed));
    this.#generation += 1;
    const t3 = performance.now();
    for (const f of report.failed) logger.warn({ port: f.key, error: f.error }, 'cannot listen');
    logger.info(
      {
        generation: this.#generation,
        gateways: gateways.length,
        httpRoutes: snapshot.httpRoutes.length,
        ...configSummary(result.config),
        listening: report.listening.length,
        failed: report.failed.length,
        rejected: snapshot.rejected.length,
        held: held.length,
        // Where the reconcile's time went, so a slow change can be told apart without a profiler.
        ms: { translate: Math.round(t1 - t0), apply: Math.round(t2 - t1), status: Math.round(t3 - t2) },
      },
      'config applied',
    );
    return { applied: true, report };
  }

  /** Logs each rejected object once, when it first shows up; a fixed object is noted once too. */
  #noteRejections(rejected: readonly Rejection[]): void {
    const { logger } = this.#options;
    this.#rejected = rejected;
    const now = new Set(rejected.map(rejectionLine));
    for (const r of rejected) {
      if (!this.#loggedRejections.has(rejectionLine(r))) {
        logger.warn({ where: r.where, kind: r.kind, namespace: r.namespace, name: r.name, reason: r.reason }, 'object rejected');
      }
    }
    if (this.#loggedRejections.size > 0 && now.size === 0) logger.info('no rejected objects any more');
    this.#loggedRejections = now;
  }
}
