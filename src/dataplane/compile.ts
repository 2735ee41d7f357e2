// Config (the IR) → the tables the hot path walks. Runs in apply(), never per request.
import type {
  BackendConfig,
  Config,
  FiltersConfig,
  ListenerConfig,
  PortConfig,
  RouteRuleConfig,
} from '../config/types.ts';
import type { Logger } from '../log.ts';
import { directAnswer } from './errors.ts';
import type { LocalAnswer } from './errors.ts';
import { compileHost } from './hostname.ts';
import type { HostMatcher } from './hostname.ts';
import { compileCORS } from './http/filters/cors.ts';
import type { CompiledCORS } from './http/filters/cors.ts';
import { compileHeaderEdits } from './http/filters/header-edits.ts';
import type { HeaderEdits } from './http/filters/header-edits.ts';
import { compilePathModifier } from './http/filters/path.ts';
import type { PathModifier } from './http/filters/path.ts';
import { compileRedirect } from './http/filters/redirect.ts';
import type { Redirect } from './http/filters/redirect.ts';
import { compileMatch, PATH_PREFIX } from './http/match.ts';
import type { CompiledMatch } from './http/match.ts';
import { WeightedPicker } from './http/upstream/balancer.ts';
import type { CompiledMirror } from './http/upstream/mirror.ts';
import { endpointKey, poolKey } from './http/upstream/pools.ts';
import { compileRetry } from './http/upstream/retry.ts';
import type { CompiledRetry } from './http/upstream/retry.ts';
import type { EndpointPools, UpstreamPool } from './http/upstream/pools.ts';
import { compilePortTLS } from './tls/contexts.ts';
import type { PortTLS, SecureContextCache } from './tls/contexts.ts';

export const ACTION_FORWARD = 0;
export const ACTION_REDIRECT = 1;
export const ACTION_DIRECT = 2;

export const BACKEND_OK = 0;
/** Spec: requests to an invalid backendRef get 500. */
export const BACKEND_INVALID = 1;
/** A valid backend with no ready endpoint: 503. */
export const BACKEND_NO_ENDPOINTS = 2;

export interface UpstreamEndpoint {
  key: string;
  address: string;
  port: number;
  pool: UpstreamPool;
}

/** The filters of a rule or backendRef that change the request or the answer; null stages are skipped. */
export interface CompiledFilters {
  requestHeaders: HeaderEdits | null;
  responseHeaders: HeaderEdits | null;
  rewriteHost: string | null;
  rewritePath: PathModifier | null;
  /** RequestMirror copies (rule filters only). */
  mirrors: CompiledMirror[] | null;
  /** The CORS filter (rule filters only). */
  cors: CompiledCORS | null;
}

export interface CompiledBackend {
  name: string;
  state: number;
  endpoints: UpstreamEndpoint[];
  /** Round robin position among endpoints. */
  next: number;
  protocol: 'http/1.1' | 'h2c';
  filters: CompiledFilters | null;
}

export interface CompiledRule {
  route: string;
  ruleIndex: number;
  ruleName: string | null;
  match: CompiledMatch;
  /** The listener's scheme and port, for X-Forwarded-Proto. */
  scheme: 'http' | 'https';
  filters: CompiledFilters | null;
  action: number;
  backends: CompiledBackend[];
  /** Null with a single backend. */
  picker: WeightedPicker | null;
  redirect: Redirect | null;
  direct: LocalAnswer | null;
  /** Milliseconds the answer may take (the shorter of the rule's request and backendRequest timeouts); 0: none. */
  timeoutMs: number;
  /** The rule's retry policy (spec: HTTPRouteRetry), or null. */
  retry: CompiledRetry | null;
}

export interface CompiledVirtualHost {
  host: HostMatcher;
  rules: CompiledRule[];
}

export interface CompiledListener {
  name: string;
  host: HostMatcher;
  virtualHosts: CompiledVirtualHost[];
}

export interface CompiledPort {
  key: string;
  address: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  listeners: CompiledListener[];
  /** Null for HTTP ports. */
  tls: PortTLS | null;
}

export interface CompiledConfig {
  ports: Map<string, CompiledPort>;
  /** The pool key of every endpoint some backend names, to close the pools of the others. */
  endpointKeys: Set<string>;
}

export interface CompileDeps {
  pools: EndpointPools;
  contexts: SecureContextCache;
  logger: Logger;
}

function compileMirrors(f: FiltersConfig, deps: CompileDeps, keys: Set<string>): CompiledMirror[] | null {
  if (!f.mirrors || f.mirrors.length === 0) return null;
  return f.mirrors.map((m) => {
    const endpoints: UpstreamEndpoint[] = [];
    for (const e of m.backend.endpoints ?? []) {
      const key = endpointKey(e.address, e.port);
      const pool = poolKey(key, m.backend.protocol);
      keys.add(pool);
      endpoints.push({ key, address: e.address, port: e.port, pool: deps.pools.obtain(pool, m.backend.protocol, key) });
    }
    return { name: m.backend.name, endpoints, next: 0, numerator: m.numerator, denominator: m.denominator };
  });
}

function compileFilters(
  f: FiltersConfig | null,
  matchPrefix: string | null,
  deps: CompileDeps,
  keys: Set<string>,
): CompiledFilters | null {
  if (f === null) return null;
  const out: CompiledFilters = {
    requestHeaders: compileHeaderEdits(f.requestHeaders),
    responseHeaders: compileHeaderEdits(f.responseHeaders),
    rewriteHost: f.urlRewrite?.hostname ?? null,
    rewritePath: compilePathModifier(f.urlRewrite?.path ?? null, matchPrefix),
    mirrors: compileMirrors(f, deps, keys),
    cors: compileCORS(f.cors),
  };
  const empty =
    out.requestHeaders === null &&
    out.responseHeaders === null &&
    out.rewriteHost === null &&
    out.rewritePath === null &&
    out.mirrors === null &&
    out.cors === null;
  return empty ? null : out;
}

function compileBackend(b: BackendConfig, matchPrefix: string | null, deps: CompileDeps, keys: Set<string>): CompiledBackend {
  let state = BACKEND_OK;
  const endpoints: UpstreamEndpoint[] = [];
  if (b.endpoints === null) state = BACKEND_INVALID;
  else if (b.endpoints.length === 0) state = BACKEND_NO_ENDPOINTS;
  else {
    for (const e of b.endpoints) {
      const key = endpointKey(e.address, e.port);
      const pool = poolKey(key, b.protocol);
      keys.add(pool);
      endpoints.push({ key, address: e.address, port: e.port, pool: deps.pools.obtain(pool, b.protocol, key) });
    }
  }
  return {
    name: b.name,
    state,
    endpoints,
    next: 0,
    protocol: b.protocol,
    filters: compileFilters(b.filters, matchPrefix, deps, keys),
  };
}

function compileRule(r: RouteRuleConfig, scheme: 'http' | 'https', deps: CompileDeps, keys: Set<string>): CompiledRule {
  const match = compileMatch(r.match);
  const matchPrefix = match.pathKind === PATH_PREFIX ? match.pathValue : null;
  const rule: CompiledRule = {
    route: r.route,
    ruleIndex: r.ruleIndex,
    ruleName: r.ruleName,
    match,
    scheme,
    filters: compileFilters(r.filters, matchPrefix, deps, keys),
    action: ACTION_FORWARD,
    backends: [],
    picker: null,
    redirect: null,
    direct: null,
    timeoutMs: effectiveTimeout(r),
    retry: compileRetry(r.retry),
  };
  const a = r.action;
  if (a.type === 'redirect') {
    rule.action = ACTION_REDIRECT;
    rule.redirect = compileRedirect(a, matchPrefix);
  } else if (a.type === 'direct') {
    rule.action = ACTION_DIRECT;
    rule.direct = directAnswer(a.status, a.body);
  } else {
    // Weight 0 backends never get a request (spec); translate leaves them out, this guards the invariant.
    const live = a.backends.filter((b) => b.weight > 0);
    if (live.length === 0) {
      rule.action = ACTION_DIRECT;
      rule.direct = directAnswer(500, 'no backend\n');
    } else {
      rule.backends = live.map((b) => compileBackend(b, matchPrefix, deps, keys));
      if (live.length > 1) rule.picker = new WeightedPicker(live.map((b) => b.weight));
    }
  }
  return rule;
}

/**
 * Spec (HTTPRouteTimeouts): `request` bounds the whole answer, `backendRequest` each backend request; without
 * retries one backend request serves the whole answer, so the shorter of the two applies. 0 disables one.
 */
function effectiveTimeout(r: RouteRuleConfig): number {
  let ms = 0;
  for (const t of [r.timeouts?.request, r.timeouts?.backendRequest]) {
    if (typeof t === 'number' && t > 0 && (ms === 0 || t < ms)) ms = t;
  }
  return ms;
}

function compileListener(l: ListenerConfig, deps: CompileDeps, keys: Set<string>): CompiledListener {
  return {
    name: l.name,
    host: compileHost(l.hostname),
    virtualHosts: l.virtualHosts.map((vh) => {
      const rules: CompiledRule[] = [];
      for (const r of vh.rules) {
        try {
          rules.push(compileRule(r, l.scheme, deps, keys));
        } catch (err) {
          // A rule whose regular expression RE2 rejects cannot match anything; the others still serve.
          deps.logger.error(
            { listener: l.name, route: r.route, rule: r.ruleIndex, error: (err as Error).message },
            'rule left out: it does not compile',
          );
        }
      }
      return { host: compileHost(vh.hostname), rules };
    }),
  };
}

function compilePort(p: PortConfig, config: Config, deps: CompileDeps, keys: Set<string>): CompiledPort {
  return {
    key: p.key,
    address: p.address,
    port: p.port,
    protocol: p.protocol,
    listeners: p.listeners.map((l) => compileListener(l, deps, keys)),
    tls: p.protocol === 'HTTPS' ? compilePortTLS(p, config, deps.contexts) : null,
  };
}

export function compileConfig(config: Config, deps: CompileDeps): CompiledConfig {
  const endpointKeys = new Set<string>();
  const ports = new Map<string, CompiledPort>();
  for (const p of config.ports) ports.set(p.key, compilePort(p, config, deps, endpointKeys));
  deps.contexts.commit();
  return { ports, endpointKeys };
}
