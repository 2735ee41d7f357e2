import type { Snapshot } from '../api/types.ts';

/**
 * Where resources come from. A source emits a complete snapshot after start and after every change
 * (debounced); it reports bad objects in `snapshot.rejected` and never throws past `start`.
 */
export interface Source {
  start(onSnapshot: (snapshot: Snapshot) => void): Promise<void>;
  close(): Promise<void>;
}
