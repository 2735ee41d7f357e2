import type { Config } from '../config/types.ts';

/** What happened to the sockets when a config was applied. A port that cannot be bound never stops the others. */
export interface ApplyReport {
  /** `address:port` keys now listening. */
  listening: string[];
  /** Sockets that could not be opened, with the reason (e.g. EADDRINUSE). */
  failed: { key: string; error: string }[];
}

/**
 * Serves a Config. `apply` compiles the new config off the hot path, then swaps it in at once; sockets are
 * opened and closed by diff on PortConfig.key, so in-flight requests and keep-alive connections survive.
 */
export interface DataPlane {
  apply(config: Config): Promise<ApplyReport>;
  close(): Promise<void>;
}
