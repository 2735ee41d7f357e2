// The data plane: compiles each Config off the hot path, swaps it in at once and opens and closes listening
// sockets by diff, so unchanged ports keep their sockets and connections across applies.
import type { Config } from '../config/types.ts';
import { silentLogger } from '../log.ts';
import type { Logger } from '../log.ts';
import { compileConfig } from './compile.ts';
import type { VirtualHostBuilds } from './compile.ts';
import { EndpointPools } from './http/upstream/pools.ts';
import { PortListener } from './listeners.ts';
import { SecureContextCache } from './tls/contexts.ts';
import type { ApplyReport, DataPlane } from './types.ts';

export interface DataPlaneOptions {
  logger?: Logger;
  /** How long a closed port or replaced server lets its in-flight requests finish (default 10 s). */
  drainTimeoutMs?: number;
  /** How long a sent request waits for the next bytes from an HTTP/1.1 backend before 504 (default 60 s). */
  upstreamReadTimeoutMs?: number;
}

class OnrampDataPlane implements DataPlane {
  private readonly logger: Logger;
  private readonly graceMs: number;
  private readonly pools: EndpointPools;
  private readonly contexts: SecureContextCache;
  private readonly listeners = new Map<string, PortListener>();
  private readonly closing = new Set<Promise<void>>();
  /** Applies run one after the other, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  /** What the serving config was compiled from: the next apply recompiles only what changed. */
  private builds: VirtualHostBuilds | undefined = undefined;
  private closed = false;

  constructor(options: DataPlaneOptions) {
    this.logger = options.logger ?? silentLogger;
    this.graceMs = options.drainTimeoutMs ?? 10_000;
    this.pools = new EndpointPools(this.logger, { readTimeoutMs: options.upstreamReadTimeoutMs });
    this.contexts = new SecureContextCache(this.logger);
  }

  apply(config: Config): Promise<ApplyReport> {
    const run = this.queue.then(() => this.applyNow(config));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(config: Config): Promise<ApplyReport> {
    if (this.closed) throw new Error('data plane is closed');
    // A config that does not compile throws here, before anything changed: the old config keeps serving.
    const compiled = compileConfig(config, {
      pools: this.pools,
      contexts: this.contexts,
      logger: this.logger,
      previous: this.builds,
    });
    const failed: ApplyReport['failed'] = [];
    const opening: Promise<void>[] = [];
    // The swap: every existing port switches in this synchronous block.
    for (const [key, port] of compiled.ports) {
      const existing = this.listeners.get(key);
      if (existing !== undefined) {
        existing.update(port, this.graceMs);
        continue;
      }
      const listener = new PortListener(port, this.logger);
      this.listeners.set(key, listener);
      opening.push(
        listener.listen().catch((err: NodeJS.ErrnoException) => {
          this.listeners.delete(key);
          failed.push({ key, error: err.code ?? err.message });
          this.logger.error({ port: key, error: err.message }, 'cannot listen');
          void listener.close(0);
        }),
      );
    }
    for (const [key, listener] of this.listeners) {
      if (compiled.ports.has(key)) continue;
      this.listeners.delete(key);
      this.track(listener.close(this.graceMs));
    }
    this.pools.retain(compiled.endpointKeys);
    // From here the compiled config serves and its pools are open: the next apply may reuse its parts.
    this.builds = compiled.builds;
    await Promise.all(opening);
    failed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { listening: [...this.listeners.keys()].sort(), failed };
  }

  private track(p: Promise<void>): void {
    this.closing.add(p);
    void p.then(() => this.closing.delete(p));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    for (const listener of this.listeners.values()) this.track(listener.close(this.graceMs));
    this.listeners.clear();
    await Promise.all([...this.closing]);
    await this.pools.close();
  }
}

export function createDataPlane(options: DataPlaneOptions = {}): DataPlane {
  return new OnrampDataPlane(options);
}
