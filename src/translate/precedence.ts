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

/** Negative when `a` takes precedence over `b`. A total order: equal only for the same match. */
export function comparePrecedence(a: PrecedenceKey, b: PrecedenceKey): number {
  const pa = a.match.path;
  const pb = b.match.path;
  if (PATH_RANK[pa.type] !== PATH_RANK[pb.type]) return PATH_RANK[pa.type] - PATH_RANK[pb.type];
  if (pa.value.length !== pb.value.length) return pb.value.length - pa.value.length;
  const ma = a.match.method !== null ? 0 : 1;
  const mb = b.match.method !== null ? 0 : 1;
  if (ma !== mb) return ma - mb;
  if (a.match.headers.length !== b.match.headers.length) return b.match.headers.length - a.match.headers.length;
  if (a.match.queryParams.length !== b.match.queryParams.length) return b.match.queryParams.length - a.match.queryParams.length;
  if (a.creationTimestamp !== b.creationTimestamp) {
    // A route without creationTimestamp (not yet seen by an API server) counts as the newest.
    if (a.creationTimestamp === '') return 1;
    if (b.creationTimestamp === '') return -1;
    return compareStrings(a.creationTimestamp, b.creationTimestamp);
  }
  if (a.route !== b.route) return compareStrings(a.route, b.route);
  if (a.ruleIndex !== b.ruleIndex) return a.ruleIndex - b.ruleIndex;
  return a.matchIndex - b.matchIndex;
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
