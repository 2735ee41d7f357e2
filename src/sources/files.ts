// Finding and reading manifest files. A path on the command line is a file or a folder; folders are read
// recursively for .yaml, .yml and .json files, in name order so that the same tree always loads the same way.
import { Buffer } from 'node:buffer';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseManifestBytes, type ParseCache, type ParseResult } from '../api/parse.ts';

export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** A path given by the user that does not exist: a clear error instead of a stack trace. */
export class FileNotFoundError extends Error {
  readonly code = 'ENOENT';
  readonly path: string;
  constructor(path: string) {
    super(`file not found: ${path}`);
    this.name = 'FileNotFoundError';
    this.path = path;
  }
}

export function isManifestName(name: string): boolean {
  // Dot files are editor swap/lock files and the `..data` links of mounted ConfigMaps, never manifests.
  return !name.startsWith('.') && MANIFEST_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/** What identifies one version of a file on disk without reading it. */
export function fileStamp(s: { ino: number; size: number; mtimeMs: number }): string {
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}

export interface TreeListing {
  /** Manifest files, in load order, with their stamps. */
  files: { path: string; stamp: string }[];
  /** Every folder seen (to watch), with its inode (a folder replaced by another of the same name changes it). */
  dirs: { path: string; ino: number }[];
  /** Roots that do not exist. */
  missing: string[];
}

/** Lists the manifest files under the roots, in order: roots as given, folders recursively by name. */
export async function listTree(roots: readonly string[]): Promise<TreeListing> {
  const listing: TreeListing = { files: [], dirs: [], missing: [] };
  const seenFiles = new Set<string>();
  const seenDirs = new Set<number>();
  for (const root of roots) {
    let s;
    try {
      s = await stat(root);
    } catch {
      listing.missing.push(root);
      continue;
    }
    if (s.isDirectory()) await walk(root, s.ino, listing, seenFiles, seenDirs);
    else if (!seenFiles.has(root)) {
      // A file named on the command line is read whatever its extension.
      seenFiles.add(root);
      listing.files.push({ path: root, stamp: fileStamp(s) });
    }
  }
  return listing;
}

async function walk(dir: string, ino: number, listing: TreeListing, seenFiles: Set<string>, seenDirs: Set<number>): Promise<void> {
  // Symbolic links may loop back to a folder already walked; its inode says so.
  if (seenDirs.has(ino)) return;
  seenDirs.add(ino);
  listing.dirs.push({ path: dir, ino });
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return; // the folder vanished or became unreadable since it was seen; the next change rescans it
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    let s;
    try {
      s = await stat(path);
    } catch {
      // Removed meanwhile: skip it. A link whose target is missing is a manifest the user meant to load:
      // reading it reports why it cannot be read.
      if (isManifestName(name) && !seenFiles.has(path) && (await lstat(path).catch(() => null))) {
        seenFiles.add(path);
        listing.files.push({ path, stamp: 'unreadable' });
      }
      continue;
    }
    if (s.isDirectory()) await walk(path, s.ino, listing, seenFiles, seenDirs);
    else if (s.isFile() && isManifestName(basename(path)) && !seenFiles.has(path)) {
      seenFiles.add(path);
      listing.files.push({ path, stamp: fileStamp(s) });
    }
  }
}

/**
 * Reads and parses one file; a file that cannot be read becomes one rejection. With the file's ParseCache,
 * only the documents that changed since its last read are decoded and parsed.
 */
export async function readManifestFile(path: string, cache?: ParseCache): Promise<ParseResult> {
  // A buffer of the pool is this call's alone until it is given back (reads of several files may overlap).
  let buffer = spare.pop() ?? Buffer.alloc(0);
  try {
    let length: number;
    try {
      ({ buffer, length } = await readBytes(path, buffer));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      return { objects: [], rejected: [{ where: `${path}:1`, reason: `cannot read file (${code}); its objects are not loaded` }] };
    }
    return parseManifestBytes(buffer, length, path, cache);
  } finally {
    spare.push(buffer);
  }
}

/**
 * Read buffers, reused from one read to the next and grown to the largest file: a new 3.3 MB buffer per read
 * of a large file was garbage that only a full collection reclaims, and the process grew by it with every
 * edit. One per read in flight at a time; the cache copies what it keeps, so a buffer is free after parsing.
 */
const spare: Buffer[] = [];

/**
 * Reads the file into `buffer` (or a bigger one) with one read call of its size (and one more to see the
 * end): fs.readFile reads in 512 KiB steps, each a trip to the thread pool, and took 15-25 ms for a 3.3 MB
 * file where this takes 2-3 ms. A file that grows meanwhile is still read to its end.
 */
async function readBytes(path: string, buffer: Buffer): Promise<{ buffer: Buffer; length: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (buffer.length < size + 1) buffer = Buffer.allocUnsafe(size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return { buffer, length };
  } finally {
    await handle.close();
  }
}
