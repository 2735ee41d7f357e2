// The standalone source: manifests from files and folders on disk, watched for changes. Every change (after a
// short quiet period) produces a new complete snapshot; files whose stamp did not change are not read again,
// and in a file that did change only the documents whose text changed are parsed again. A file that cannot be
// read or parsed rejects only its own objects; everything else keeps working.
import { stat } from 'node:fs/promises';
import { normalize, sep } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { ParseCache, type ParseResult } from '../api/parse.ts';
import { snapshotFromObjects } from '../api/snapshot.ts';
import type { KubeObject, Rejection, Snapshot } from '../api/types.ts';
import { silentLogger } from '../log.ts';
import type { Source } from './source.ts';
import { FileNotFoundError, fileStamp, listTree, readManifestFile, type TreeListing } from './files.ts';
import { GenerationTracker } from './generations.ts';
import { keyOf, mergeParsed } from './merge.ts';
import { patchSnapshot, positionsOf, replacedObjects, type Positions } from './patch.ts';
import { FolderWatchers, parentTarget, type WatchTarget } from './watch.ts';

export { FileNotFoundError } from './files.ts';

export interface FileSourceOptions {
  /**
   * Quiet period after the last change before a snapshot is built (ms). Short: it only has to gather the
   * events of one save (an editor's write and rename arrive within a millisecond or two); changes that arrive
   * while a snapshot is being built are gathered into the next one anyway.
   */
  debounceMs?: number;
  logger?: Logger;
}

/** However busy the files, a snapshot is built at least this many debounce periods after the first change. */
const MAX_DELAY_FACTOR = 10;

/**
 * A file that looks half-written is read again after the next quiet period instead of being published; this
 * many times in a row at most (about 100 ms at the default quiet period), so that a file that was really
 * emptied, or never settles, is still published.
 */
const MAX_UNSETTLED_RETRIES = 10;

/** How often to rescan while some folder cannot be watched (out of inotify watches, say). */
const POLL_MS = 2000;

/** Parsed files by path, each with the stamp it was read at and its documents for the next read. */
type FileCache = Map<string, { stamp: string; result: ParseResult; documents: ParseCache }>;

/** The default quiet period (ms). */
export const DEFAULT_DEBOUNCE_MS = 10;

/** Throws FileNotFoundError for the first root that does not exist. */
async function requireRoots(paths: readonly string[]): Promise<void> {
  if (paths.length === 0) throw new Error('no manifest files or folders given');
  for (const path of paths) {
    try {
      await stat(path);
    } catch {
      throw new FileNotFoundError(path);
    }
  }
}

interface Scan {
  listing: TreeListing;
  /** Each file's objects and rejections, in load order, and the missing roots last (see mergeParsed). */
  results: ParseResult[];
  /** What identifies the set of files and missing roots, in order; the same when no file came or went. */
  shape: string;
  /** Whether any file was read again. */
  read: boolean;
  /** Whether a file looked half-written (emptied, or changing while read): what was read may be partial. */
  unsettled: boolean;
}

/**
 * Reads what changed under the roots into the cache (files whose stamp moved, and those named in `dirty`),
 * drops files that are gone, and returns every file's objects and rejections in load order.
 */
async function scan(roots: readonly string[], cache: FileCache, dirty: ReadonlySet<string>): Promise<Scan> {
  const listing = await listTree(roots);
  const present = new Set(listing.files.map((f) => f.path));
  for (const path of cache.keys()) if (!present.has(path)) cache.delete(path);
  const results: ParseResult[] = [];
  let read = false;
  let unsettled = false;
  for (const { path, stamp } of listing.files) {
    let entry = cache.get(path);
    if (!entry || entry.stamp !== stamp || dirty.has(path)) {
      const before = entry;
      const documents = entry?.documents ?? new ParseCache();
      entry = { stamp, result: await readManifestFile(path, documents), documents };
      cache.set(path, entry);
      read = true;
      // A file rewritten in place is empty between its truncation and the write (`echo >`, fs.writeFile); a
      // file still being written changes while it is read. Either way what was read may be half-written, and
      // the file is read again after the next quiet period: an emptied one once more (then its emptiness is
      // published), a changing one as long as its stamp moves on from the one kept here.
      if (before && !isEmpty(before.result) && isEmpty(entry.result)) {
        entry.stamp = 'emptied';
        unsettled = true;
      } else if (stamp !== 'unreadable' && (await currentStamp(path)) !== stamp) unsettled = true;
    }
    results.push(entry.result);
  }
  const missing: Rejection[] = listing.missing.map((path) => ({ where: path, reason: `file not found: ${path}; nothing loaded from it` }));
  results.push({ objects: [], rejected: missing });
  const shape = JSON.stringify([listing.files.map((f) => f.path), listing.missing]);
  return { listing, results, shape, read, unsettled };
}

const isEmpty = (r: ParseResult): boolean => r.objects.length === 0 && r.rejected.length === 0;

async function currentStamp(path: string): Promise<string | null> {
  try {
    return fileStamp(await stat(path));
  } catch {
    return null;
  }
}

/** `manifests/` and `./manifests` name the same folder as `manifests`; one spelling keeps paths comparable. */
function normalizeRoots(paths: readonly string[]): string[] {
  return paths.map((p) => {
    const n = normalize(p);
    return n.length > 1 && n.endsWith(sep) ? n.slice(0, -1) : n;
  });
}

/** One-shot load for `onramp check`: the snapshot of the files as they are now. */
export async function loadSnapshot(paths: string[]): Promise<Snapshot> {
  const roots = normalizeRoots(paths);
  await requireRoots(roots);
  const merged = mergeParsed((await scan(roots, new Map(), new Set())).results);
  return snapshotFromObjects(merged.objects, merged.rejected);
}

export class FileSource implements Source {
  readonly #roots: readonly string[];
  readonly #debounceMs: number;
  readonly #logger: Logger;
  readonly #cache: FileCache = new Map();
  readonly #generations = new GenerationTracker();
  readonly #watchers: FolderWatchers;
  #onSnapshot: ((snapshot: Snapshot) => void) | null = null;
  #last: Snapshot | null = null;
  /** The files' results #last was built from (or found equal to), and where its objects are (built when needed). */
  #results: ParseResult[] | null = null;
  #positions: Positions | null = null;
  /** The files and missing roots of the last snapshot (Scan.shape). */
  #lastShape: string | null = null;
  #dirty = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #poll: NodeJS.Timeout | null = null;
  #firstChangeAt = 0;
  #running: Promise<void> | null = null;
  #again = false;
  /** Rebuilds in a row that found a file changing under them and published nothing. */
  #unsettledRuns = 0;
  #closed = false;

  constructor(paths: string[], options: FileSourceOptions = {}) {
    this.#roots = normalizeRoots(paths);
    this.#debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.#logger = options.logger ?? silentLogger;
    this.#watchers = new FolderWatchers((path) => this.#changed(path), this.#logger);
  }

  /** Loads every file, emits the first snapshot, then watches. Rejects with FileNotFoundError for a missing path. */
  async start(onSnapshot: (snapshot: Snapshot) => void): Promise<void> {
    await requireRoots(this.#roots);
    this.#onSnapshot = onSnapshot;
    await this.#rebuild();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#setPolling(false);
    this.#watchers.close();
    await this.#running?.catch(() => undefined);
  }

  #changed(path: string | null): void {
    if (this.#closed) return;
    if (path !== null) this.#dirty.add(path);
    const now = Date.now();
    if (this.#timer === null) this.#firstChangeAt = now;
    else clearTimeout(this.#timer);
    const latest = this.#firstChangeAt + this.#debounceMs * MAX_DELAY_FACTOR;
    this.#timer = setTimeout(() => this.#flush(), Math.max(0, Math.min(this.#debounceMs, latest - now)));
  }

  #flush(): void {
    this.#timer = null;
    if (this.#running) {
      this.#again = true; // a rebuild is under way; run one more when it ends
      return;
    }
    this.#running = this.#rebuild()
      .catch((err: unknown) => this.#logger.error({ err: (err as Error).message }, 'reading manifests failed'))
      .finally(() => {
        this.#running = null;
        if (this.#again && !this.#closed) {
          this.#again = false;
          this.#flush();
        }
      });
  }

  async #rebuild(): Promise<void> {
    const dirty = this.#dirty;
    this.#dirty = new Set();
    const { listing, results, shape, read, unsettled } = await scan(this.#roots, this.#cache, dirty);
    if (this.#closed) return;
    const unwatched = this.#watchers.sync(await this.#targets(listing));
    this.#setPolling(unwatched > 0);
    // Events for other names in a watched folder (an editor's temporary file, a backup) read nothing: with
    // the same files as last time, the snapshot would be the same.
    if (this.#last && !read && shape === this.#lastShape) return;
    // A writer still at work (a large file written in place, in pieces): wait for it rather than publish a
    // snapshot that lacks the objects not yet written. The first snapshot is published regardless.
    if (unsettled && this.#last && this.#unsettledRuns < MAX_UNSETTLED_RETRIES) {
      this.#unsettledRuns++;
      this.#changed(null);
      return;
    }
    this.#unsettledRuns = 0;
    this.#lastShape = shape;
    const patched = this.#patch(results);
    if (patched === 'unchanged') return;
    let snapshot: Snapshot;
    if (patched !== null) snapshot = patched;
    else {
      const merged = mergeParsed(results);
      const objects = this.#generations.assign(merged.objects);
      snapshot = snapshotFromObjects(objects, merged.rejected);
      this.#results = results;
      // A change that changes nothing (an editor's save of the same text, a touch) is not news.
      if (this.#last && isDeepStrictEqual(this.#last, snapshot)) return;
      this.#positions = null;
    }
    this.#last = snapshot;
    this.#logger.debug({ patched: patched !== null, rejected: snapshot.rejected.length }, 'manifests loaded');
    try {
      this.#onSnapshot?.(snapshot);
    } catch (err) {
      this.#logger.error({ err: (err as Error).message }, 'snapshot consumer failed');
    }
  }

  /**
   * The last snapshot with the objects an edit replaced (see patch.ts), 'unchanged' when they equal the ones
   * they replace, or null when the edit needs the full path.
   */
  #patch(results: ParseResult[]): Snapshot | 'unchanged' | null {
    const last = this.#last;
    if (!last || !this.#results || last.rejected.length > 0) return null;
    const replaced = replacedObjects(this.#results, results);
    if (replaced === null) return null;
    this.#positions ??= positionsOf(last);
    const objects = this.#generations.assign(replaced);
    const snapshot = patchSnapshot(last, this.#positions, objects);
    if (snapshot === null) return null;
    this.#results = results;
    const positions = this.#positions;
    const same = objects.every((o, i) => {
      const at = positions.get(keyOf(replaced[i]))!;
      return isDeepStrictEqual((last[at.list] as readonly KubeObject[])[at.index], o);
    });
    return same ? 'unchanged' : snapshot;
  }

  /** Rescans on a timer while a folder cannot be watched, so its changes are still seen (later). */
  #setPolling(on: boolean): void {
    if (on && !this.#poll) {
      this.#poll = setInterval(() => this.#changed(null), POLL_MS);
      this.#poll.unref();
    } else if (!on && this.#poll) {
      clearInterval(this.#poll);
      this.#poll = null;
    }
  }

  /** Every folder of the trees, plus each root's parent folder so that a root may vanish and come back. */
  async #targets(listing: TreeListing): Promise<WatchTarget[]> {
    const targets = new Map<string, WatchTarget>();
    for (const d of listing.dirs) targets.set(d.path, { path: d.path, ino: d.ino, names: null });
    for (const root of this.#roots) {
      const { dir, name } = parentTarget(root);
      const existing = targets.get(dir);
      if (existing) {
        existing.names?.add(name);
        continue;
      }
      try {
        const s = await stat(dir);
        targets.set(dir, { path: dir, ino: s.ino, names: new Set([name]) });
      } catch {
        // The parent is gone too; nothing to watch until it comes back (a later change rescans).
      }
    }
    return [...targets.values()];
  }
}
