// Compiled HTTPRouteMatch: everything a request is tested against, built once per config.
import RE2 from 're2';
import type { MatchConfig } from '../../config/types.ts';

/** The parts of a request that matching reads; `params` is parsed on first use only. */
export interface RequestView {
  /** The path without its query string, as received (no decoding, no normalisation). */
  path: string;
  /** The query string without `?`, or null. */
  query: string | null;
  params: URLSearchParams | null;
  method: string;
  /** Node's rawHeaders: name, value, name, value… */
  rawHeaders: string[];
}

/** One header or query parameter condition; `regex` is set for RegularExpression, else `exact`. */
export interface ValueMatch {
  name: string;
  exact: string;
  regex: RE2 | null;
}

export const PATH_EXACT = 0;
export const PATH_PREFIX = 1;
export const PATH_REGEX = 2;

export interface CompiledMatch {
  pathKind: number;
  /** Exact value, or the prefix without trailing slash (`` for `/`). */
  pathValue: string;
  pathRegex: RE2 | null;
  method: string | null;
  headers: ValueMatch[] | null;
  queryParams: ValueMatch[] | null;
}

/** Gateway API regular expressions match the whole value (as Envoy's safe_regex does); RE2 keeps it linear. */
export function fullMatchRegex(pattern: string): RE2 {
  return new RE2(`^(?:${pattern})$`, 'u');
}


/** `/foo/` and `/foo` are the same prefix; `/` becomes `` so that every path matches it on a boundary. */
export function trimTrailingSlash(value: string): string {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 47) end--;
  return end === value.length ? value : value.slice(0, end);
}

function compileValues(list: { name: string; type: string; value: string }[], lower: boolean): ValueMatch[] | null {
  if (list.length === 0) return null;
  return list.map((m) => ({
    name: lower ? m.name.toLowerCase() : m.name,
    exact: m.value,
    regex: m.type === 'RegularExpression' ? fullMatchRegex(m.value) : null,
  }));
}

/** Throws when a regular expression does not compile; the caller leaves the rule out and logs why. */
export function compileMatch(match: MatchConfig): CompiledMatch {
  const path = match.path;
  const kind = path.type === 'Exact' ? PATH_EXACT : path.type === 'RegularExpression' ? PATH_REGEX : PATH_PREFIX;
  return {
    pathKind: kind,
    pathValue: kind === PATH_PREFIX ? trimTrailingSlash(path.value) : path.value,
    pathRegex: kind === PATH_REGEX ? fullMatchRegex(path.value) : null,
    method: match.method === null ? null : match.method.toUpperCase(),
    headers: compileValues(match.headers, true),
    queryParams: compileValues(match.queryParams, false),
  };
}

/** PathPrefix matches whole path segments: `/foo` matches `/foo`, `/foo/` and `/foo/bar`, not `/foobar`. */
export function prefixMatches(prefix: string, path: string): boolean {
  const n = prefix.length;
  if (path.length < n) return false;
  if (n > 0 && !path.startsWith(prefix)) return false;
  return path.length === n || path.charCodeAt(n) === 47;
}

/**
 * The value of a request header as Envoy matches it: all lines of the name joined with `,`, or null when absent.
 * Names compare case-insensitively.
 */
export function headerValue(raw: string[], lowerName: string): string | null {
  let out: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length !== lowerName.length || name.toLowerCase() !== lowerName) continue;
    out = out === null ? raw[i + 1] : `${out},${raw[i + 1]}`;
  }
  return out;
}

function valueHolds(m: ValueMatch, value: string | null): boolean {
  if (value === null) return false;
  return m.regex === null ? value === m.exact : m.regex.test(value);
}

export function matches(m: CompiledMatch, req: RequestView): boolean {
  const path = req.path;
  if (m.pathKind === PATH_PREFIX) {
    if (!prefixMatches(m.pathValue, path)) return false;
  } else if (m.pathKind === PATH_EXACT) {
    if (path !== m.pathValue) return false;
  } else if (m.pathRegex === null || !m.pathRegex.test(path)) {
    return false;
  }
  if (m.method !== null && m.method !== req.method) return false;
  if (m.headers !== null) {
    for (const h of m.headers) if (!valueHolds(h, headerValue(req.rawHeaders, h.name))) return false;
  }
  if (m.queryParams !== null) {
    if (req.params === null) req.params = new URLSearchParams(req.query ?? '');
    // Spec: with several values for one name, the first one is matched.
    for (const q of m.queryParams) if (!valueHolds(q, req.params.get(q.name))) return false;
  }
  return true;
}
