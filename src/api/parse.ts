// Manifest parsing: the multi-document YAML (or JSON) a user would `kubectl apply`, turned into typed objects
// with the line each came from, the defaults the API server would fill in, and every object validated.
// Nothing here throws: whatever cannot be used becomes a Rejection with file:line and the reason.
//
// A stream is split into its documents first (documents.ts) and each is read on its own: by the fast
// block-style reader (block-yaml.ts) when it can, by the `yaml` package otherwise and whenever the document has
// something to report (the package knows the line of every field). With a ParseCache (parse-cache.ts), only
// the documents an edit touched since the last parse of the same file are parsed and validated again.
import { Buffer } from 'node:buffer';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { readBlockDocument } from './block-yaml.ts';
import type { DocumentText } from './documents.ts';
import { withFieldLine, type LinePositions } from './field-lines.ts';
import { ParseCache } from './parse-cache.ts';
import { NAMESPACED_KINDS } from './snapshot.ts';
import type { KubeObject, Rejection } from './types.ts';
import { validateObject } from './validate.ts';

export { ParseCache } from './parse-cache.ts';

export interface ParseResult {
  objects: KubeObject[];
  rejected: Rejection[];
}

type Obj = Record<string, unknown>;

/** Cluster-scoped kinds onramp reads: a namespace written on them is dropped, as the API server does. */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(['GatewayClass', 'Namespace']);

/** More reasons than this in one rejection are summarised; the first ones are what a user fixes first. */
const MAX_REASONS = 10;

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function parseManifests(text: string, file: string, cache: ParseCache = new ParseCache()): ParseResult {
  const results = cache.update(text, file, (document) => parseDocument(document, file));
  // Directives and `...` markers change how the stream splits; such a stream is parsed whole.
  if (results === null) return parseStream(text, file, 1);
  return flatten(results);
}

/**
 * parseManifests for a file's UTF-8 bytes (`bytes[0, length)`, which the caller may reuse afterwards): with
 * a cache, only the documents an edit touched are decoded at all.
 */
export function parseManifestBytes(bytes: Buffer, length: number, file: string, cache: ParseCache = new ParseCache()): ParseResult {
  const results = cache.updateBytes(bytes, length, file, (document) => parseDocument(document, file));
  if (results === null) return parseStream(bytes.toString('utf8', 0, length), file, 1);
  return flatten(results);
}

function flatten(results: readonly ParseResult[]): ParseResult {
  const objects: KubeObject[] = [];
  const rejected: Rejection[] = [];
  for (const result of results) {
    for (const o of result.objects) objects.push(o);
    for (const r of result.rejected) rejected.push(r);
  }
  return { objects, rejected };
}

/**
 * A copy of a document's text that does not share memory with the file's text. Strings parsed out of a
 * document are slices of it, and a slice keeps all of its parent alive: without the copy, each object parsed
 * from an edited file would keep that whole version of the file in memory (3.3 MB per edit at 10,000 routes).
 */
function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** One document: the fast reader when it reads it and the objects are valid, else the `yaml` package. */
function parseDocument(slice: DocumentText, file: string): ParseResult {
  const document = { ...slice, text: ownCopy(slice.text) };
  const fast = readBlockDocument(document.text);
  if (fast !== undefined) {
    if (fast.value === null) return { objects: [], rejected: [] };
    if (isObject(fast.value) && !isList(fast.value)) {
      const result: ParseResult = { objects: [], rejected: [] };
      accept(fast.value, { file, line: document.line + fast.firstLine, node: undefined, lines: undefined }, result.objects, result.rejected);
      if (result.rejected.length === 0) return result;
    }
  }
  return parseStream(document.text, file, document.line);
}

function isList(value: Obj): boolean {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);
}

/** Parses a stream (or one document of it, starting at `firstLine` of the file) with the `yaml` package. */
function parseStream(text: string, file: string, firstLine: number): ParseResult {
  const objects: KubeObject[] = [];
  const rejected: Rejection[] = [];
  const lineCounter = new LineCounter();
  const lines: LinePositions = { linePos: (offset) => ({ line: lineCounter.linePos(offset).line + firstLine - 1 }) };
  const lineOf = (offset: number | undefined): number => (offset === undefined ? firstLine : lines.linePos(offset).line);
  let documents;
  try {
    documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  } catch (err) {
    return { objects, rejected: [{ where: `${file}:${firstLine}`, reason: `YAML syntax error: ${(err as Error).message}` }] };
  }
  for (const doc of documents) {
    const contents = doc.contents as YamlNode | null;
    const line = lineOf(contents?.range?.[0] ?? doc.range[0]);
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const at = e.linePos?.[0];
      const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      const errorLine = at ? at.line + firstLine - 1 : line;
      rejected.push({ where: `${file}:${errorLine}`, reason: `YAML syntax error: ${message}${at ? ` (column ${at.col})` : ''}` });
      continue;
    }
    if (contents === null || contents === undefined) continue; // an empty document, or comments only
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      rejected.push({ where: `${file}:${line}`, reason: `YAML error: ${(err as Error).message.split('\n')[0]}` });
      continue;
    }
    if (value === null || value === undefined) continue;
    if (isObject(value) && isList(value)) {
      // A `kind: List` (or FooList) as `kubectl get -o yaml` prints it: each item is an object of its own.
      const itemsNode = isMap(contents) ? contents.get('items', true) : undefined;
      (value.items as unknown[]).forEach((item: unknown, i: number) => {
        const node = isSeq(itemsNode) ? (itemsNode.items[i] as YamlNode | undefined) : undefined;
        accept(item, { file, line: lineOf(node?.range?.[0] ?? contents.range?.[0]), node, lines }, objects, rejected);
      });
      continue;
    }
    accept(value, { file, line, node: contents, lines }, objects, rejected);
  }
  return { objects, rejected };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** Where a value was found: its file and line, and its YAML node to find the lines of its fields (if parsed so). */
interface Place {
  file: string;
  line: number;
  node: YamlNode | undefined;
  lines: LinePositions | undefined;
}

function accept(value: unknown, place: Place, objects: KubeObject[], rejected: Rejection[]): void {
  const { file, line } = place;
  const where = `${file}:${line}`;
  if (!isObject(value)) {
    rejected.push({ where, reason: `document is ${describe(value)}, not a Kubernetes object (a mapping with apiVersion, kind and metadata)` });
    return;
  }
  const missing: string[] = [];
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') missing.push('apiVersion');
  if (typeof value.kind !== 'string' || value.kind === '') missing.push('kind');
  const metadata = value.metadata;
  if (!isObject(metadata)) missing.push('metadata');
  else if (typeof metadata.name !== 'string' || metadata.name === '') missing.push('metadata.name');
  const kind = typeof value.kind === 'string' ? value.kind : undefined;
  if (missing.length > 0) {
    const name = isObject(metadata) && typeof metadata.name === 'string' ? metadata.name : undefined;
    rejected.push({ where, kind, name, reason: `missing ${missing.join(', ')}` });
    return;
  }
  const object = withDefaults(value);
  const meta = object.metadata as Obj;
  let reasons: string[];
  try {
    reasons = [...foldStringData(object), ...validateObject(object)];
    const { node, lines } = place;
    if (node && lines) reasons = reasons.map((r) => withFieldLine(r, node, line, lines));
  } catch (err) {
    // Validation is written not to throw on any input; should it ever, the object is refused, not the process.
    reasons = [`could not be validated: ${(err as Error).message}`];
  }
  if (reasons.length > 0) {
    const shown = reasons.slice(0, MAX_REASONS);
    if (reasons.length > MAX_REASONS) shown.push(`and ${reasons.length - MAX_REASONS} more`);
    rejected.push({
      where,
      kind,
      namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
      name: String(meta.name),
      reason: shown.join('; '),
    });
    return;
  }
  object.origin = { file, line };
  objects.push(object as unknown as KubeObject);
}

/** The defaults the API server fills in that onramp relies on: namespace and generation. */
function withDefaults(value: Obj): Obj {
  const metadata = { ...(value.metadata as Obj) };
  const kind = value.kind as string;
  if (NAMESPACED_KINDS.has(kind) && (metadata.namespace === undefined || metadata.namespace === null || metadata.namespace === '')) {
    metadata.namespace = 'default';
  }
  if (CLUSTER_SCOPED_KINDS.has(kind)) delete metadata.namespace;
  if (!Number.isInteger(metadata.generation) || (metadata.generation as number) < 1) metadata.generation = 1;
  return { ...value, metadata };
}

/**
 * Secret stringData is write-only convenience: the API server merges it into data (base64), stringData
 * winning over data for the same key, and never stores it. Returns reasons when stringData is malformed.
 */
function foldStringData(object: Obj): string[] {
  if (object.kind !== 'Secret' || object.stringData === undefined) return [];
  const stringData = object.stringData;
  delete object.stringData;
  if (stringData === null) return [];
  if (!isObject(stringData)) return ['stringData: Invalid value: must be a map of strings'];
  const reasons: string[] = [];
  const data: Obj = isObject(object.data) ? { ...object.data } : {};
  for (const [k, v] of Object.entries(stringData)) {
    if (typeof v !== 'string') {
      reasons.push(`stringData[${JSON.stringify(k)}]: Invalid value: must be of type string`);
      continue;
    }
    data[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  object.data = data;
  return reasons;
}
