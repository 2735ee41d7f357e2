// Match precedence inside one virtual host (spec: HTTPRouteRule.matches). Across all rules of all routes,
// continuing on ties: Exact path; PathPrefix with the most characters; (RegularExpression: implementation
// specific — onramp puts it after prefixes, longer patterns first); method match; most header matches; most
// query param matches; then the oldest route by creationTimestamp; then "{namespace}/{name}" alphabetically;
// then rule order inside the route, and match order inside the rule.
import type { MatchConfig } from '../config/types.ts';

export interface PrecedenceKey {
  match: MatchConfig;
  /** metadata.creationTimestamp (RFC 3339, so string order is time order); '' when unknown. */
  creationTimestamp: string;
  /** `namespace/name` of the route. */
  route: string;
  ruleIndex: number;
  matchIndex: number;
}

const PATH_RANK: Record<string, number> = { Exact: 0, PathPrefix: 1, RegularExpression: 2 };

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A PrecedenceKey reduced to the numbers and strings compared, computed once per match entry so that a sort
 * of n entries reads n keys instead of doing map lookups and nested reads on every comparison.
 */
export interface PrecedenceSortKey {
  /** Exact 0, PathPrefix 1, RegularExpression 2 (3 for anything else). */
  pathRank: number;
  /** Negated path value length: longer first. */
  pathLength: number;
  /** 0 with a method match, 1 without. */
  method: number;
  /** Negated counts: more header (query param) matches first. */
  headers: number;
  queryParams: number;
  /** creationTimestamp, '\uffff' when unknown (counts as the newest). */
  creationTimestamp: string;
  route: string;
  ruleIndex: number;
  matchIndex: number;
}

export function precedenceSortKey(k: PrecedenceKey): PrecedenceSortKey {
  const m = k.match;
  return {
    pathRank: PATH_RANK[m.path.type] ?? 3,
    pathLength: -m.path.value.length,
    method: m.method !== null ? 0 : 1,
    headers: -m.headers.length,
    queryParams: -m.queryParams.length,
    // A route without creationTimestamp (not yet seen by an API server) counts as the newest. RFC 3339
    // timestamps never contain U+FFFF, so it sorts after every real one.
    creationTimestamp: k.creationTimestamp === '' ? '\uffff' : k.creationTimestamp,
    route: k.route,
    ruleIndex: k.ruleIndex,
    matchIndex: k.matchIndex,
  };
}

/** Negative when `a` takes precedence over `b` (the order of comparePrecedence). */
export function compareSortKeys(a: PrecedenceSortKey, b: PrecedenceSortKey): number {
  if (a.pathRank !== b.pathRank) return a.pathRank - b.pathRank;
  if (a.pathLength !== b.pathLength) return a.pathLength - b.pathLength;
  if (a.method !== b.method) return a.method - b.method;
  if (a.headers !== b.headers) return a.headers - b.headers;
  if (a.queryParams !== b.queryParams) return a.queryParams - b.queryParams;
  if (a.creationTimestamp !== b.creationTimestamp) return compareStrings(a.creationTimestamp, b.creationTimestamp);
  if (a.route !== b.route) return compareStrings(a.route, b.route);
  if (a.ruleIndex !== b.ruleIndex) return a.ruleIndex - b.ruleIndex;
  return a.matchIndex - b.matchIndex;
}

/** Negative when `a` takes precedence over `b`. A total order: equal only for the same match. */
export function comparePrecedence(a: PrecedenceKey, b: PrecedenceKey): number {
  return compareSortKeys(precedenceSortKey(a), precedenceSortKey(b));
}

/**
 * metadata.creationTimestamp as a sortable UTC string ('' when absent or unreadable). A YAML loader may hand
 * over a Date, and API servers write second precision with `Z`; both end up as toISOString().
 */
export function timestampOf(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value !== 'string' || value === '') return '';
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}
