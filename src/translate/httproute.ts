// One HTTPRoute's rules, compiled once whatever listener they end up on: matches with defaults, filters,
// and backends or the fixed answer the spec asks for. Redirects keep their filter: their port and scheme
// depend on the listener (routing.ts resolves them).
import { durationMs } from '../api/duration.ts';
import type { HTTPRequestMirrorFilter, HTTPRequestRedirectFilter, HTTPRoute, HTTPRouteRule } from '../api/types.ts';
import type {
  BackendConfig,
  DirectResponseConfig,
  FiltersConfig,
  MatchConfig,
  MirrorConfig,
  PathModifierConfig,
  RetryConfig,
  TimeoutsConfig,
} from '../config/types.ts';
import { problem, Reason, type Problem } from './conditions.ts';
import { resolveBackend, type BackendIndex } from './backends.ts';
import { hasFilters, translateFilters } from './filters.ts';
import { list } from './input.ts';
import { translateMatch } from './matches.ts';

export type CompiledAction =
  | { type: 'forward'; backends: BackendConfig[] }
  | DirectResponseConfig
  | { type: 'redirect'; filter: HTTPRequestRedirectFilter; path: PathModifierConfig | null };

export interface CompiledRule {
  ruleIndex: number;
  ruleName: string | null;
  matches: MatchConfig[];
  filters: FiltersConfig;
  action: CompiledAction;
  /** Present when the rule sets timeouts. */
  timeouts?: TimeoutsConfig;
  /** Present when the rule sets retry. */
  retry?: RetryConfig;
}

/** Retries when `retry.attempts` is not given: the spec leaves it to the implementation (Envoy uses 1). */
const DEFAULT_RETRY_ATTEMPTS = 1;
/** Backoff when `retry.backoff` is not given (Envoy's default base interval). */
const DEFAULT_RETRY_BACKOFF_MS = 25;

/** Spec (HTTPRouteRetry, GEP-1731): codes, attempts (retries after the first try) and a minimum backoff. */
function ruleRetry(rule: HTTPRouteRule): RetryConfig | Problem | undefined {
  const r = rule.retry;
  if (r === null || typeof r !== 'object') return undefined;
  const codes = Array.isArray(r.codes)
    ? [...new Set(r.codes.filter((c) => Number.isInteger(c) && c >= 400 && c <= 599))].sort((a, b) => a - b)
    : [];
  let backoffMs = DEFAULT_RETRY_BACKOFF_MS;
  if (r.backoff !== undefined) {
    const ms = typeof r.backoff === 'string' ? durationMs(r.backoff) : null;
    if (ms === null) return problem(Reason.UnsupportedValue, `retry.backoff ${JSON.stringify(r.backoff)} is not a Gateway API duration`);
    backoffMs = ms;
  }
  const attempts =
    typeof r.attempts === 'number' && Number.isInteger(r.attempts) && r.attempts >= 0 ? r.attempts : DEFAULT_RETRY_ATTEMPTS;
  return { codes, attempts, backoffMs };
}

/** Spec (HTTPRequestMirrorFilter): percent, or fraction (denominator defaults to 100); neither means 100%. */
function mirrorShare(m: HTTPRequestMirrorFilter): { numerator: number; denominator: number } | Problem {
  if (m.percent !== undefined && m.fraction !== undefined) {
    return problem(Reason.UnsupportedValue, 'RequestMirror sets both percent and fraction');
  }
  if (m.percent !== undefined) {
    if (!Number.isInteger(m.percent) || m.percent < 0 || m.percent > 100) {
      return problem(Reason.UnsupportedValue, `RequestMirror percent ${String(m.percent)} is not between 0 and 100`);
    }
    return { numerator: m.percent, denominator: 100 };
  }
  if (m.fraction !== undefined && m.fraction !== null) {
    const numerator = m.fraction.numerator;
    const denominator = m.fraction.denominator ?? 100;
    // CRD CEL: "numerator must be less than or equal to denominator"; a zero denominator means nothing.
    if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || numerator < 0 || denominator <= 0 || numerator > denominator) {
      return problem(Reason.UnsupportedValue, 'RequestMirror fraction must have 0 <= numerator <= denominator and denominator > 0');
    }
    return { numerator, denominator };
  }
  return { numerator: 1, denominator: 1 };
}

/** Spec (HTTPRouteTimeouts): GEP-2257 durations; "0s" disables a timeout. A value that is not one is invalid. */
function ruleTimeouts(rule: HTTPRouteRule): TimeoutsConfig | Problem | undefined {
  const t = rule.timeouts;
  if (t === null || typeof t !== 'object') return undefined;
  const read = (v: unknown, field: string): number | null | Problem => {
    if (v === undefined) return null;
    const ms = typeof v === 'string' ? durationMs(v) : null;
    return ms ?? problem(Reason.UnsupportedValue, `timeouts.${field} ${JSON.stringify(v)} is not a Gateway API duration`);
  };
  const request = read(t.request, 'request');
  if (request !== null && typeof request === 'object') return request;
  const backendRequest = read(t.backendRequest, 'backendRequest');
  if (backendRequest !== null && typeof backendRequest === 'object') return backendRequest;
  if (request === null && backendRequest === null) return undefined;
  return { request, backendRequest };
}

export interface CompiledRoute {
  route: HTTPRoute;
  /** `namespace/name`. */
  key: string;
  /** The valid rules; invalid ones are dropped (spec: AllowedRoutes "Invalid Route rules can be ignored"). */
  rules: CompiledRule[];
  /** Why rules were dropped, one entry per dropped rule. */
  invalidRules: { ruleIndex: number; problem: Problem }[];
  /** ResolvedRefs False with this problem (first unresolved reference), or null. */
  unresolved: Problem | null;
}

/**
 * The array with no spare room: an array grown by push keeps room for 17 elements, and the few-element arrays
 * a compiled route is made of are kept for as long as the route is (10,000 routes: megabytes of room).
 */
export function exact<T>(items: T[]): T[] {
  return items.length === 0 ? [] : items.slice();
}

/** Spec: "If there are no backendRefs ... or all are invalid, and there are no filters ... 500". */
export function internalError(message: string): DirectResponseConfig {
  return { type: 'direct', status: 500, body: `${message}\n` };
}

function compileRule(
  route: HTTPRoute,
  rule: HTTPRouteRule,
  ruleIndex: number,
  index: BackendIndex,
  noteUnresolved: (p: Problem) => void,
): CompiledRule | Problem {
  const routeNamespace = route.metadata.namespace ?? 'default';
  const matches: MatchConfig[] = [];
  const ruleMatches = list(rule.matches);
  for (const m of ruleMatches.length > 0 ? ruleMatches : [{}]) {
    const translated = translateMatch(m);
    if ('reason' in translated) return translated;
    matches.push(translated);
  }
  const ruleFilters = translateFilters(rule.filters);
  if (ruleFilters.invalid) return ruleFilters.invalid;
  // Spec (HTTPPathModifier.replacePrefixMatch): "ReplacePrefixMatch is only compatible with a PathPrefix
  // HTTPRouteMatch. Using any other HTTPRouteMatch type on the same HTTPRouteRule will result in the
  // implementation setting the Accepted Condition for the Route to status: False."
  const prefixOnly = matches.every((m) => m.path.type === 'PathPrefix');
  if (ruleFilters.replacesPrefix && !prefixOnly) {
    return problem(Reason.UnsupportedValue, 'ReplacePrefixMatch needs PathPrefix matches only');
  }

  // Every backendRef is resolved, also those of weight 0, so that ResolvedRefs reports each bad reference.
  const backends: BackendConfig[] = [];
  for (const ref of list(rule.backendRefs)) {
    const weight = typeof ref.weight === 'number' && ref.weight > 0 ? ref.weight : ref.weight === undefined ? 1 : 0;
    const resolved = resolveBackend(ref, route.kind, routeNamespace, weight, index);
    if (resolved.problem) noteUnresolved(resolved.problem);
    const backendFilters = translateFilters(ref.filters);
    if (backendFilters.invalid) return backendFilters.invalid;
    if (backendFilters.redirect) {
      return problem(Reason.UnsupportedValue, 'RequestRedirect on a backendRef is not supported; set it on the rule');
    }
    if (backendFilters.mirrors.length > 0 || backendFilters.filters.cors) {
      return problem(Reason.UnsupportedValue, 'RequestMirror and CORS on a backendRef are not supported; set them on the rule');
    }
    if (backendFilters.replacesPrefix && !prefixOnly) {
      return problem(Reason.UnsupportedValue, 'ReplacePrefixMatch needs PathPrefix matches only');
    }
    const backend = resolved.backend;
    if (backendFilters.unresolved) {
      noteUnresolved(backendFilters.unresolved);
      backend.endpoints = null;
    }
    if (hasFilters(backendFilters.filters)) backend.filters = backendFilters.filters;
    // Spec (HTTPBackendRef.weight): "If weight is set to 0, no traffic should be forwarded for this entry."
    if (weight > 0) backends.push(backend);
  }

  // Spec (HTTPRequestMirrorFilter.backendRef): an unresolved mirror backendRef sets ResolvedRefs False and
  // "must be dropped from the Gateway"; the rule itself keeps serving.
  const mirrors: MirrorConfig[] = [];
  for (const m of ruleFilters.mirrors) {
    const share = mirrorShare(m);
    if ('reason' in share) return share;
    const resolved = resolveBackend(m.backendRef, route.kind, routeNamespace, 1, index);
    if (resolved.problem || resolved.backend.endpoints === null) {
      if (resolved.problem) noteUnresolved(resolved.problem);
      continue;
    }
    mirrors.push({ backend: resolved.backend, ...share });
  }
  const filters: FiltersConfig = mirrors.length > 0 ? { ...ruleFilters.filters, mirrors } : ruleFilters.filters;

  const timeouts = ruleTimeouts(rule);
  if (timeouts && 'reason' in timeouts) return timeouts;
  const retry = ruleRetry(rule);
  if (retry && 'reason' in retry) return retry;
  const ruleName = typeof rule.name === 'string' && rule.name !== '' ? rule.name : null;
  const base = {
    ruleIndex,
    ruleName,
    matches: exact(matches),
    filters,
    ...(timeouts ? { timeouts } : {}),
    ...(retry ? { retry } : {}),
  };
  if (ruleFilters.unresolved) {
    noteUnresolved(ruleFilters.unresolved);
    return { ...base, action: internalError('a filter of this route rule cannot be resolved') };
  }
  if (ruleFilters.redirect) {
    return { ...base, action: { type: 'redirect', filter: ruleFilters.redirect.filter, path: ruleFilters.redirect.path } };
  }
  if (backends.length === 0 || backends.every((b) => b.endpoints === null)) {
    return { ...base, action: internalError('no valid backendRef for this route rule') };
  }
  return { ...base, action: { type: 'forward', backends: exact(backends) } };
}

export function compileRoute(route: HTTPRoute, index: BackendIndex): CompiledRoute {
  const key = `${route.metadata.namespace ?? 'default'}/${route.metadata.name}`;
  const compiled: CompiledRoute = { route, key, rules: [], invalidRules: [], unresolved: null };
  const note = (p: Problem): void => {
    compiled.unresolved ??= p;
  };
  // CRD default: a route without rules has one rule matching PathPrefix "/" (and no backends: 500).
  const specRules = list(route.spec?.rules);
  const rules = specRules.length > 0 ? specRules : [{}];
  rules.forEach((rule, i) => {
    const result = compileRule(route, rule, i, index, note);
    if ('reason' in result) compiled.invalidRules.push({ ruleIndex: i, problem: result });
    else compiled.rules.push(result);
  });
  compiled.rules = exact(compiled.rules);
  return compiled;
}
