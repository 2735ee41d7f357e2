// A fast reader for the plain block-style YAML that manifests are almost always written in (and that tools
// such as `kubectl get -o yaml` print): block mappings and sequences, one-line plain and quoted scalars,
// literal block scalars, empty flow collections and comments. The `yaml` package builds a full document model
// with source ranges for every node, which costs about 0.3 ms per Kubernetes object; this reads the same
// objects many times faster. Whenever it meets anything it does not fully understand (anchors, tags, flow
// collections, folded or multi-line scalars, tabs, duplicate keys, odd indentation) it gives up and the caller
// uses the `yaml` package, which also reports the errors. Values follow the YAML 1.2 core schema exactly as the
// `yaml` package resolves them, so both paths give the same objects.

/** Thrown inside the reader when the text needs the full YAML parser. */
class NeedsFullParser extends Error {}

const unsure = (): never => {
  throw new NeedsFullParser();
};

/** The value of a document and the 0-based index of the line its content starts on (relative to the text). */
export interface BlockDocument {
  value: unknown;
  firstLine: number;
}

/**
 * Reads one YAML document (which may start with a `---` line). Returns undefined when the text needs the full
 * parser; `{ value: null }` for an empty document.
 */
export function readBlockDocument(text: string): BlockDocument | undefined {
  // Tabs (not allowed in indentation, easy to misread elsewhere) and CR line ends go to the full parser.
  if (text.includes('\r') || text.includes('\t')) return undefined;
  try {
    return new Reader(text).document();
  } catch (err) {
    if (err instanceof NeedsFullParser) return undefined;
    // Deep nesting (stack overflow) and the like: the full parser decides what the text means.
    return undefined;
  }
}

// YAML 1.2 core schema, in the order the `yaml` package tries its tags.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** First characters of every plain scalar that is not a string: digits, sign, dot, ~, n/N, t/T, f/F. */
const NON_STRING_START = /^[-+.0-9~nNtTfF]/;

/** A plain scalar's value under the core schema. */
export function resolvePlain(s: string): unknown {
  if (s !== '' && !NON_STRING_START.test(s)) return s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT_OCT.test(s)) return parseInt(s.slice(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.slice(2), 16);
  if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

/** Plain keys read here: simple names such as `apiVersion`, `kubernetes.io/service-name` or `tls.crt`. */
const PLAIN_KEY = /^[A-Za-z_][\w./-]*$/;
/** The start of a plain scalar that needs the full parser: indicators, and `-`, `?`, `:` before a space. */
const HARD_START = /^(?:[&*!|>%@`#,[\]{}]|[-?:](?: |$))/;

class Reader {
  /** Indentation of each line, or -1 for a line without content (blank or comment only). */
  readonly #indent: number[] = [];
  /** Each line without its indentation. */
  readonly #body: string[] = [];
  readonly #raw: string[];
  /** The line after the node read last (each read returns its node and leaves its end here). */
  #at = 0;

  constructor(text: string) {
    this.#raw = text.split('\n');
    for (const line of this.#raw) {
      let n = 0;
      while (line.charCodeAt(n) === 32) n++;
      const c = line.charCodeAt(n);
      const empty = Number.isNaN(c) || c === 35; // end of line or '#'
      this.#indent.push(empty ? -1 : n);
      this.#body.push(empty ? '' : n === 0 ? line : line.slice(n));
    }
  }

  document(): BlockDocument {
    let i = this.#next(0);
    if (i < this.#raw.length && this.#indent[i] === 0 && /^---(?: |$)/.test(this.#body[i])) {
      if (!/^--- *(?:#.*)?$/.test(this.#body[i])) unsure(); // content on the marker line
      i = this.#next(i + 1);
    }
    if (i >= this.#raw.length) return { value: null, firstLine: 0 };
    const first = i;
    const body = this.#body[i];
    // A document that is a single scalar is rare and easy to get wrong; the full parser reads it.
    if (!isSequenceItem(body) && keyEnd(body) < 0) unsure();
    const value = this.#block(i, this.#indent[i]);
    if (this.#at < this.#raw.length) unsure(); // lines left over: indentation the reader does not follow
    return { value, firstLine: first };
  }

  /** The next line at or after i with content. */
  #next(i: number): number {
    while (i < this.#raw.length && this.#indent[i] < 0) i++;
    return i;
  }

  /** A block node (mapping or sequence) starting on line i at indentation n. */
  #block(i: number, n: number): unknown {
    return isSequenceItem(this.#body[i]) ? this.#sequence(i, n) : this.#mapping(i, n);
  }

  #mapping(i: number, n: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    while (i < this.#raw.length && this.#indent[i] === n) {
      const body = this.#body[i];
      const colon = keyEnd(body);
      if (colon < 0) unsure();
      const key = readKey(body.slice(0, colon));
      if (Object.hasOwn(map, key)) unsure(); // duplicate keys are an error the full parser reports
      map[key] = this.#value(body, skipSpaces(body, colon + 1), i, n, true);
      i = this.#next(this.#at);
      if (i < this.#raw.length && this.#indent[i] > n) unsure();
    }
    this.#at = i;
    return map;
  }

  #sequence(i: number, n: number): unknown[] {
    const seq: unknown[] = [];
    while (i < this.#raw.length && this.#indent[i] === n && isSequenceItem(this.#body[i])) {
      const body = this.#body[i];
      const from = skipSpaces(body, 1);
      const rest = from < body.length && body.charCodeAt(from) !== 35 ? body.slice(from) : '';
      if (rest !== '' && keyEnd(rest) >= 0) {
        // `- key: value`: a mapping whose keys are aligned with the first one.
        this.#indent[i] = n + from;
        this.#body[i] = rest;
        seq.push(this.#mapping(i, n + from));
      } else {
        if (isSequenceItem(rest)) unsure(); // `- - a`: nested compact sequences
        seq.push(this.#value(body, from, i, n, false));
      }
      i = this.#next(this.#at);
      if (i < this.#raw.length && this.#indent[i] > n) unsure();
    }
    this.#at = i;
    // Without the spare room of an array grown by push (17 elements): parsed objects live as long as they
    // are served, and most of their lists hold one or two items.
    return seq.slice();
  }

  /**
   * The value from offset `from` of line i's body, after `key:` or `- ` (whose node is at indentation n):
   * inline, a literal block scalar, or a block node on the following lines.
   */
  #value(body: string, from: number, i: number, n: number, inMapping: boolean): unknown {
    if (from >= body.length || body.charCodeAt(from) === 35) {
      const j = this.#next(i + 1);
      this.#at = j;
      if (j >= this.#raw.length) return null;
      if (this.#indent[j] > n) return this.#block(j, this.#indent[j]);
      // A sequence may sit at its key's own indentation (`key:\n- a`).
      if (inMapping && this.#indent[j] === n && isSequenceItem(this.#body[j])) return this.#sequence(j, n);
      return null;
    }
    const rest = from === 0 ? body : body.slice(from);
    if (rest[0] === '|') return this.#literal(rest, i, n);
    this.#at = i + 1;
    return inlineScalar(rest);
  }

  /** A literal block scalar (`|` or `|-`) whose header is on line i, under a node at indentation n. */
  #literal(header: string, i: number, n: number): string {
    const m = /^\|(-?)(?: +#.*| *)$/.exec(header);
    if (!m) unsure(); // `|+`, explicit indentation, or something after the header
    const strip = m![1] === '-';
    const lines: string[] = [];
    let indent = -1;
    let j = i + 1;
    for (; j < this.#raw.length; j++) {
      const raw = this.#raw[j];
      let k = 0;
      while (raw.charCodeAt(k) === 32) k++;
      if (k === raw.length) {
        // A line of spaces only is an empty line; one with more spaces than the content's indentation (or,
        // before the first content line, than the least it may have) has rules of its own: rare, left to the
        // full parser.
        if (k > (indent >= 0 ? indent : n + 1)) unsure();
        lines.push('');
        continue;
      }
      if (indent < 0) {
        if (k <= n) break;
        indent = k;
      }
      if (k < indent) break;
      lines.push(raw.slice(indent));
    }
    // Trailing empty lines are not content; clip keeps one line break, strip none.
    let last = lines.length;
    while (last > 0 && lines[last - 1] === '') last--;
    const content = lines.slice(0, last).join('\n');
    // Lines without content inside (comments at a lower indentation) were taken as the end; resume there.
    this.#at = j;
    return last === 0 || strip ? content : `${content}\n`;
  }
}

/** The offset of the first character at or after `from` that is not a space. */
function skipSpaces(s: string, from: number): number {
  while (s.charCodeAt(from) === 32) from++;
  return from;
}

function isSequenceItem(body: string): boolean {
  return body.charCodeAt(0) === 45 && (body.length === 1 || body.charCodeAt(1) === 32); // '-' then ' ' or end
}

/** The index of the `:` ending a key at the start of body, or -1 when body does not start with a key. */
function keyEnd(body: string): number {
  const c = body[0];
  if (c === '"' || c === "'") {
    const close = quoteEnd(body, 0);
    if (close < 0) return -1;
    const after = close + 1;
    return body[after] === ':' && (after + 1 === body.length || body[after + 1] === ' ') ? after : -1;
  }
  let colon = body.indexOf(':');
  while (colon >= 0 && colon + 1 < body.length && body.charCodeAt(colon + 1) !== 32) colon = body.indexOf(':', colon + 1);
  if (colon <= 0) return -1;
  const key = body.slice(0, colon);
  // `a #b: c` is a comment, not a key; `a: b: c` is an error.
  return key.includes(' #') ? -1 : colon;
}

/** Plain keys seen so far and whether the reader takes them (the same few dozen keys come back all the time). */
const plainKeys = new Map<string, boolean>();
const MAX_PLAIN_KEYS = 10_000;

function readKey(text: string): string {
  const c = text[0];
  if (c === '"' || c === "'") {
    const key = quoted(text);
    if (key === '__proto__') unsure();
    return key;
  }
  let ok = plainKeys.get(text);
  if (ok === undefined) {
    // A plain key that resolves to something other than a string (1, true, null) becomes a different
    // property name in JavaScript; `__proto__` must not reach an object literal; `<<` may be a merge key.
    ok = PLAIN_KEY.test(text) && resolvePlain(text) === text && text !== '__proto__';
    if (plainKeys.size >= MAX_PLAIN_KEYS) plainKeys.clear();
    plainKeys.set(text, ok);
  }
  if (!ok) unsure();
  return text;
}

/** The index of the closing quote of the quoted scalar opening at `start`, or -1 when it is not on this line. */
function quoteEnd(s: string, start: number): number {
  const q = s[start];
  for (let k = start + 1; k < s.length; k++) {
    const c = s[k];
    if (q === '"' && c === '\\') k++;
    else if (c === q) {
      if (q === "'" && s[k + 1] === "'") k++;
      else return k;
    }
  }
  return -1;
}

/** A one-line quoted scalar (the whole of `text`). */
function quoted(text: string): string {
  const inner = text.slice(1, -1);
  if (text[0] === "'") return inner.replaceAll("''", "'");
  if (!inner.includes('\\')) return inner;
  // JSON's escapes mean the same in YAML; YAML-only escapes (\x, \e, \N, ...) go to the full parser.
  try {
    return JSON.parse(text) as string;
  } catch {
    return unsure();
  }
}

/** A scalar written on one line after `key:` or `- `, with an optional comment after it. */
function inlineScalar(rest: string): unknown {
  const c = rest[0];
  if (c === '"' || c === "'") {
    const close = quoteEnd(rest, 0);
    if (close < 0) unsure(); // continues on the next line
    const after = rest.slice(close + 1);
    if (after !== '' && !/^ +(?:#.*)?$/.test(after)) unsure();
    return quoted(rest.slice(0, close + 1));
  }
  if (c === '{' || c === '[') {
    const m = /^(\{\}|\[\])(?: +#.*| *)$/.exec(rest);
    if (!m) unsure(); // flow collections with content
    return m![1] === '{}' ? {} : [];
  }
  if (HARD_START.test(rest)) unsure();
  const hash = rest.indexOf(' #');
  const text = (hash < 0 ? rest : rest.slice(0, hash)).trimEnd();
  if (text.includes(': ') || text.endsWith(':')) unsure();
  return resolvePlain(text);
}
