// Keep-alive connection pools, one per endpoint and protocol, shared by every config that names the endpoint.
import type { Logger } from '../../../log.ts';
import type { UpstreamPool } from './dispatch.ts';
import { H1Pool } from './h1-pool.ts';
import { H2CPool } from './h2c.ts';

export type { UpstreamPool } from './dispatch.ts';

/** How long an idle upstream connection is kept; below the usual 5 s server keep-alive to avoid races. */
const KEEP_ALIVE_MS = 4_000;

export class EndpointPools {
  private readonly pools = new Map<string, UpstreamPool>();
  private readonly logger: Logger;
  private readonly readTimeoutMs: number | undefined;

  constructor(logger: Logger, options: { readTimeoutMs?: number } = {}) {
    this.logger = logger;
    this.readTimeoutMs = options.readTimeoutMs;
  }

  /**
   * The pool for an endpoint key (see poolKey), created on first use: HTTP/1.1 keep-alive connections, or
   * one HTTP/2 cleartext connection with multiplexed streams for `h2c` (appProtocol kubernetes.io/h2c).
   */
  obtain(key: string, protocol: 'http/1.1' | 'h2c', origin: string): UpstreamPool {
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = protocol === 'h2c' ? new H2CPool(origin, KEEP_ALIVE_MS) : new H1Pool(origin, { keepAliveMs: KEEP_ALIVE_MS, readTimeoutMs: this.readTimeoutMs });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Closes pools no longer named; requests already dispatched on them finish first. */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, pool] of this.pools) {
      if (keys.has(key)) continue;
      this.pools.delete(key);
      pool.close().catch((err: unknown) => this.logger.debug({ err, endpoint: key }, 'closing upstream pool'));
    }
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(all.map((p) => p.close()));
  }
}

/** `address:port` with IPv6 addresses in brackets. */
export function endpointKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The pool of an endpoint for one upstream protocol. */
export function poolKey(origin: string, protocol: 'http/1.1' | 'h2c'): string {
  return protocol === 'h2c' ? `h2c://${origin}` : origin;
}
