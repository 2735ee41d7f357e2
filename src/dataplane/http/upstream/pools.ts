// Keep-alive connection pools, one per endpoint, shared by every config that names the endpoint.
import { Pool } from 'undici';
import type { Logger } from '../../../log.ts';

/** How long an idle upstream connection is kept; below the usual 5 s server keep-alive to avoid races. */
const KEEP_ALIVE_MS = 4_000;

export class EndpointPools {
  private readonly pools = new Map<string, Pool>();
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  /** The pool for `address:port`, created on first use. */
  obtain(address: string, port: number): Pool {
    const key = endpointKey(address, port);
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new Pool(`http://${key}`, {
        keepAliveTimeout: KEEP_ALIVE_MS,
        keepAliveMaxTimeout: KEEP_ALIVE_MS,
        // The proxy streams bodies of any size for as long as both sides keep sending.
        bodyTimeout: 0,
        headersTimeout: 0,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Closes pools no longer named; requests already dispatched on them finish first (Pool#close). */
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

export function endpointKey(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
