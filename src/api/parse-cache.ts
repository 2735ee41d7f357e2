// Incremental parsing of one manifest file. An edit changes a small part of a file; the text before it and
// after it is the same as last time. The cache keeps the last text and the result of each of its documents,
// measures the part the old and new text share at their start and at their end (a native comparison, no
// JavaScript loop over the text), and splits and parses only what lies between. Documents after the edit
// keep their results, with their lines shifted when the edit added or removed lines.
import { splitDocuments, type DocumentText } from './documents.ts';
import type { ParseResult } from './parse.ts';

/** What one document gave, and where it was in the text then. */
interface CachedDocument {
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

/** The documents of the last parse of one file. Keep one per file; it holds the latest text and results only. */
export class ParseCache {
  #file: string | null = null;
  #text = '';
  #documents: CachedDocument[] = [];

  /**
   * The result of every document of `text`, in order: cached for the documents an edit left alone, parsed
   * for the others. Null when the stream has directives or `...` markers and must be parsed whole.
   */
  update(text: string, file: string, parse: ParseDocument): ParseResult[] | null {
    const same = file === this.#file;
    const old = same ? this.#text : '';
    const before = same ? this.#documents : [];
    const prefix = commonPrefix(old, text);
    const suffix = commonSuffix(old, text, Math.min(old.length, text.length) - prefix);
    const shift = text.length - old.length;
    // Old documents [0, a) lie in the shared start together with the marker line that ends them; [b, n) lie
    // in the shared end together with the line break before their marker line.
    let a = 0;
    while (a < before.length && before[a].start + before[a].length + MARKER_SPAN <= prefix) a++;
    let b = before.length;
    while (b > a && before[b - 1].start - 1 >= old.length - suffix) b--;
    const from = a > 0 ? before[a].start : 0;
    const fromLine = a > 0 ? before[a].line : 1;
    const oldTo = b < before.length ? before[b].start : old.length;
    const to = oldTo + shift;

    let edited: DocumentText[] = [];
    if (to > from) {
      const split = splitDocuments(text.slice(from, to));
      if (split === null) {
        this.#file = null;
        this.#text = '';
        this.#documents = [];
        return null;
      }
      edited = split.map((d) => ({ text: d.text, start: d.start + from, line: d.line + fromLine - 1 }));
    }
    // Documents of the edited part may be unchanged too (an edit at each end, a document moved): by text.
    const byText = new Map<string, CachedDocument>();
    for (let k = a; k < b; k++) byText.set(old.slice(before[k].start, before[k].start + before[k].length), before[k]);
    const lineShift = newlines(text, from, to) - newlines(old, from, oldTo);

    const documents: CachedDocument[] = before.slice(0, a);
    for (const d of edited) {
      const result = reuse(byText.get(d.text), d.line, file) ?? parse(d);
      documents.push({ start: d.start, length: d.text.length, line: d.line, result });
    }
    for (let k = b; k < before.length; k++) {
      const d = before[k];
      if (shift === 0 && lineShift === 0) {
        documents.push(d);
        continue;
      }
      const start = d.start + shift;
      const line = d.line + lineShift;
      const result = reuse(d, line, file) ?? parse({ text: text.slice(start, start + d.length), start, line });
      documents.push({ start, length: d.length, line, result });
    }
    this.#file = file;
    this.#text = text;
    this.#documents = documents;
    return documents.map((d) => d.result);
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

function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** How many characters a and b share at their start (binary search: the engine compares the halves). */
function commonPrefix(a: string, b: string): number {
  let lo = 0;
  let hi = Math.min(a.length, b.length);
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (a.slice(lo, mid) === b.slice(lo, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How many characters (at most `limit`) a and b share at their end. */
function commonSuffix(a: string, b: string, limit: number): number {
  let lo = 0;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (a.slice(a.length - mid, a.length - lo) === b.slice(b.length - mid, b.length - lo)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
