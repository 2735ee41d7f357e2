// Incremental parsing of one manifest file. An edit changes a small part of a file; the bytes before it and
// after it are the same as last time. The cache keeps the last bytes and the result of each of their
// documents, measures the part the old and new bytes share at their start and at their end (a native
// comparison, no JavaScript loop over the file), and decodes, splits and parses only what lies between.
// Documents after the edit keep their results, with their lines shifted when the edit added or removed lines.
//
// Working on bytes rather than text means an edit of a large file decodes only the edited documents: the
// whole file is never turned into one string, which at 3.3 MB per edit was most of the garbage of a reload.
// Offsets are byte offsets; documents start after a line break, and a line break byte never occurs inside a
// multi-byte UTF-8 sequence, so every range decoded here starts and ends on a character boundary.
import { Buffer } from 'node:buffer';
import { splitDocuments, type DocumentText } from './documents.ts';
import type { ParseResult } from './parse.ts';

/** What one document gave, and where it was in the bytes then. */
interface CachedDocument {
  /** Byte offset and length. */
  start: number;
  length: number;
  line: number;
  result: ParseResult;
}

/** Parses one document (the caller's full path: fast reader, yaml package, validation). */
export type ParseDocument = (document: DocumentText) => ParseResult;

/**
 * How far past a document's end its successor's marker line must be the same for the split there to be the
 * same: `---` and the character after it, and the line break before it.
 */
const MARKER_SPAN = 5;

const NEWLINE = 0x0a;

/** The documents of the last parse of one file. Keep one per file; it holds the latest bytes and results only. */
export class ParseCache {
  #file: string | null = null;
  /** The bytes of the last parse, in a buffer the cache owns (reused while big enough). */
  #bytes: Buffer = Buffer.alloc(0);
  #length = 0;
  #documents: CachedDocument[] = [];

  /** update() for text (`onramp check`, tests): the same, through its UTF-8 bytes. */
  update(text: string, file: string, parse: ParseDocument): ParseResult[] | null {
    const bytes = Buffer.from(text, 'utf8');
    return this.updateBytes(bytes, bytes.length, file, parse);
  }

  /**
   * The result of every document of `bytes[0, length)`, in order: cached for the documents an edit left
   * alone, parsed for the others. Null when the stream has directives or `...` markers and must be parsed
   * whole. The cache copies what it keeps: `bytes` may be reused by the caller afterwards.
   */
  updateBytes(bytes: Buffer, length: number, file: string, parse: ParseDocument): ParseResult[] | null {
    const same = file === this.#file;
    const old = this.#bytes;
    const oldLength = same ? this.#length : 0;
    const before = same ? this.#documents : [];
    const prefix = commonPrefix(old, oldLength, bytes, length);
    const suffix = commonSuffix(old, oldLength, bytes, length, Math.min(oldLength, length) - prefix);
    const shift = length - oldLength;
    // Old documents [0, a) lie in the shared start together with the marker line that ends them; [b, n) lie
    // in the shared end together with the line break before their marker line.
    let a = 0;
    while (a < before.length && before[a].start + before[a].length + MARKER_SPAN <= prefix) a++;
    let b = before.length;
    while (b > a && before[b - 1].start - 1 >= oldLength - suffix) b--;
    const from = a > 0 ? before[a].start : 0;
    const fromLine = a > 0 ? before[a].line : 1;
    const oldTo = b < before.length ? before[b].start : oldLength;
    const to = oldTo + shift;

    let edited: DocumentText[] = [];
    if (to > from) {
      const split = splitDocuments(bytes.toString('utf8', from, to));
      if (split === null) {
        this.#file = null;
        this.#length = 0;
        this.#documents = [];
        return null;
      }
      // Split offsets count characters of the decoded range; the cache counts bytes.
      let start = from;
      edited = split.map((d) => {
        const document = { text: d.text, start, line: d.line + fromLine - 1 };
        start += Buffer.byteLength(d.text, 'utf8');
        return document;
      });
    }
    // Documents of the edited part may be unchanged too (an edit at each end, a document moved): by text.
    const byText = new Map<string, CachedDocument>();
    for (let k = a; k < b; k++) byText.set(old.toString('utf8', before[k].start, before[k].start + before[k].length), before[k]);
    const lineShift = newlines(bytes, from, to) - newlines(old, from, oldTo);

    const documents: CachedDocument[] = before.slice(0, a);
    for (const d of edited) {
      const result = reuse(byText.get(d.text), d.line, file) ?? parse(d);
      documents.push({ start: d.start, length: Buffer.byteLength(d.text, 'utf8'), line: d.line, result });
    }
    for (let k = b; k < before.length; k++) {
      const d = before[k];
      if (shift === 0 && lineShift === 0) {
        documents.push(d);
        continue;
      }
      const start = d.start + shift;
      const line = d.line + lineShift;
      const result = reuse(d, line, file) ?? parse({ text: bytes.toString('utf8', start, start + d.length), start, line });
      documents.push({ start, length: d.length, line, result });
    }
    this.#file = file;
    this.#keep(bytes, length);
    this.#documents = documents;
    return documents.map((d) => d.result);
  }

  /** Copies `bytes[0, length)` into the cache's own buffer, growing it when it is too small. */
  #keep(bytes: Buffer, length: number): void {
    if (this.#bytes.length < length) this.#bytes = Buffer.allocUnsafe(length);
    bytes.copy(this.#bytes, 0, 0, length);
    this.#length = length;
  }

  /** How many documents are cached (for tests). */
  get size(): number {
    return this.#documents.length;
  }
}

/**
 * A cached document's result at another line: the same objects with their origin moved. Reasons name lines
 * inside their text, so a document with rejections is parsed again instead (undefined).
 */
function reuse(hit: CachedDocument | undefined, line: number, file: string): ParseResult | undefined {
  if (!hit) return undefined;
  if (hit.line === line) return hit.result;
  if (hit.result.rejected.length > 0) return undefined;
  const delta = line - hit.line;
  return {
    objects: hit.result.objects.map((o) => ({ ...o, origin: { file, line: (o.origin?.line ?? 1) + delta } })),
    rejected: [],
  };
}

function newlines(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE, from); i >= 0 && i < to; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/** How many bytes a and b share at their start (binary search: each step is one native comparison). */
function commonPrefix(a: Buffer, aLength: number, b: Buffer, bLength: number): number {
  let lo = 0;
  let hi = Math.min(aLength, bLength);
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (a.compare(b, lo, mid, lo, mid) === 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How many bytes (at most `limit`) a and b share at their end. */
function commonSuffix(a: Buffer, aLength: number, b: Buffer, bLength: number, limit: number): number {
  let lo = 0;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (a.compare(b, bLength - mid, bLength - lo, aLength - mid, aLength - lo) === 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
