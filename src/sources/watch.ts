// Folder watching for the file source. One non-recursive fs.watch per folder, opened and closed as folders
// appear and disappear, works the same on every platform (recursive watching is not available everywhere and
// misses folders created later on some). Events are only a hint that something changed: the source rescans
// and compares file stamps, so a missed or merged event costs nothing but a later rescan.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Logger } from 'pino';

interface Watched {
  watcher: FSWatcher;
  ino: number;
  /** Only events for these names count (the parent folder of a root), or every event when null. */
  names: Set<string> | null;
}

export interface WatchTarget {
  path: string;
  /** The folder's inode; a new inode under the same path means the folder was replaced and is watched anew. */
  ino: number;
  names: Set<string> | null;
}

export class FolderWatchers {
  readonly #watched = new Map<string, Watched>();
  readonly #onChange: (path: string | null) => void;
  readonly #logger: Logger;

  /** onChange gets the path that changed, or null when a watcher failed and everything should be rescanned. */
  constructor(onChange: (path: string | null) => void, logger: Logger) {
    this.#onChange = onChange;
    this.#logger = logger;
  }

  /**
   * Watches exactly these folders: opens what is new or replaced, closes what is gone. Returns how many could
   * not be watched (the caller then polls until they can).
   */
  sync(targets: readonly WatchTarget[]): number {
    const wanted = new Map(targets.map((t) => [t.path, t]));
    for (const [path, w] of this.#watched) {
      const t = wanted.get(path);
      if (!t || t.ino !== w.ino) this.#close(path);
    }
    for (const t of targets) {
      const current = this.#watched.get(t.path);
      if (current) {
        current.names = t.names;
        continue;
      }
      this.#open(t);
    }
    return targets.filter((t) => !this.#watched.has(t.path)).length;
  }

  close(): void {
    for (const path of [...this.#watched.keys()]) this.#close(path);
  }

  #open(t: WatchTarget): void {
    let watcher: FSWatcher;
    try {
      watcher = watch(t.path, { persistent: false });
    } catch (err) {
      // Gone since it was listed, or out of watch descriptors: the next rescan tries again.
      this.#logger.warn({ path: t.path, err: (err as Error).message }, 'cannot watch folder');
      return;
    }
    const entry: Watched = { watcher, ino: t.ino, names: t.names };
    watcher.on('change', (_event, filename) => {
      const name = filename === null ? null : filename.toString();
      if (entry.names && name !== null && !entry.names.has(name)) return;
      this.#onChange(name === null ? t.path : join(t.path, name));
    });
    watcher.on('error', (err) => {
      this.#logger.debug({ path: t.path, err: err.message }, 'folder watcher stopped');
      if (this.#watched.get(t.path) === entry) this.#close(t.path);
      this.#onChange(null);
    });
    this.#watched.set(t.path, entry);
  }

  #close(path: string): void {
    const w = this.#watched.get(path);
    if (!w) return;
    this.#watched.delete(path);
    try {
      w.watcher.close();
    } catch {
      // Closing a watcher whose folder is gone may fail; there is nothing left to release.
    }
  }
}

/** The folder to watch for a root and the name to look for in it, so that a root can appear and disappear. */
export function parentTarget(root: string): { dir: string; name: string } {
  return { dir: dirname(root), name: basename(root) };
}
