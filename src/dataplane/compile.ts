// Config (the IR) → the tables the hot path walks. Runs in apply(), never per request.
//
// Incremental (http/vhost-index.ts): a virtual host whose rules are the same as in the config that serves
// now (the same IR objects, as translate hands them out for unchanged routes, or equal data) is reused as it
// is, rule index included; in a virtual host that changed only the changed rules are compiled. A one-route
// change at 10,000 routes compiles one route and indexes one virtual host.
import type {
  BackendConfig,
  Config,
  EndpointConfig,
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
import { buildHostIndex } from './http/host-index.ts';
import type { HostIndex } from './http/host-index.ts';
import type { RuleIndex } from './http/rule-index.ts';
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
import { buildVirtualHost } from './http/vhost-index.ts';
import type { VirtualHostBuild } from './http/vhost-index.ts';
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

/** One endpoint on one upstream protocol; every backend of a config that names it shares this object. */
export interface UpstreamEndpoint {
  key: string;
  address: string;
  port: number;
  pool: UpstreamPool;
  /** The key of `pool` in EndpointPools (see poolKey). */
  poolKey: string;
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
  /**
   * Milliseconds the whole answer may take; 0: none. Without a retry policy, the shorter of the rule's
   * request and backendRequest timeouts; with one, the request timeout.
   */
  timeoutMs: number;
  /** With a retry policy: milliseconds each attempt may take (backendRequest); 0 otherwise. */
  attemptTimeoutMs: number;
  /** The rule's retry policy (spec: HTTPRouteRetry), or null. */
  retry: CompiledRetry | null;
}

export interface CompiledVirtualHost {
  host: HostMatcher;
  /** In precedence order: the first that matches serves the request. */
  rules: CompiledRule[];
  /** Lookups that find the first matching rule without testing each one; null when there are few rules. */
  index: RuleIndex | null;
}

export interface CompiledListener {
  name: string;
  host: HostMatcher;
  virtualHosts: CompiledVirtualHost[];
  /** Finds the first virtual host whose hostname matches. */
  hosts: HostIndex;
}

export interface CompiledPort {
  key: string;
  address: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS';
  listeners: CompiledListener[];
  /** Finds the first listener whose hostname matches (spec: listener isolation). */
  hosts: HostIndex;
  /** Null for HTTP ports. */
  tls: PortTLS | null;
}

export interface CompiledConfig {
  ports: Map<string, CompiledPort>;
  /** The pool key of every endpoint some backend names, to close the pools of the others. */
  endpointKeys: Set<string>;
  /** What each virtual host was compiled from; the next compileConfig reuses what did not change. */
  builds: VirtualHostBuilds;
}

/** Builds by `port key, listener name, scheme, hostname`. */
export type VirtualHostBuilds = ReadonlyMap<string, VirtualHostBuild>;

export interface CompileDeps {
  pools: EndpointPools;
  contexts: SecureContextCache;
  logger: Logger;
  /**
   * The builds of the config that serves now, whose endpoint pools are all open: reused where the IR is the
   * same. Never pass the builds of a config that was not applied, or of one older than the serving config
   * (their pools may be closed).
   */
  previous?: VirtualHostBuilds;
}

type Protocol = 'http/1.1' | 'h2c';

/** State of one compileConfig call. */
interface Compilation {
  deps: CompileDeps;
  /** Pool keys of the virtual host being compiled. */
  keys: Set<string>;
  // Objects shared by the rules of this compile, found by object identity and strings the IR already holds
  // (building key strings for 10,000 rules would cost more than the sharing saves). They are only read per
  // request, except round robin positions, which are then per backend, as in a proxy's cluster.
  /** Endpoints by protocol, address and port. */
  endpoints: Record<Protocol, Map<string, Map<number, UpstreamEndpoint>>>;
  /** Lists of one endpoint by that endpoint; longer lists by their pool keys. */
  singleLists: Map<UpstreamEndpoint, UpstreamEndpoint[]>;
  lists: Map<string, UpstreamEndpoint[]>;
  /** Backends without filters by protocol, endpoint list (which implies the state) and name. */
  backends: Record<Protocol, Map<UpstreamEndpoint[], Map<string, CompiledBackend>>>;
  /** Lists of one backend by that backend. */
  backendLists: Map<CompiledBackend, CompiledBackend[]>;
}

/** The entry of `map` under `key`, created empty the first time. */
function inner<K, K2, V>(map: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  let found = map.get(key);
  if (found === undefined) {
    found = new Map();
    map.set(key, found);
  }
  return found;
}

function endpointOf(e: EndpointConfig, protocol: Protocol, c: Compilation): UpstreamEndpoint {
  const byPort = inner(c.endpoints[protocol], e.address);
  let endpoint = byPort.get(e.port);
  if (endpoint === undefined) {
    const key = endpointKey(e.address, e.port);
    const pool = poolKey(key, protocol);
    endpoint = { key, address: e.address, port: e.port, pool: c.deps.pools.obtain(pool, protocol, key), poolKey: pool };
    byPort.set(e.port, endpoint);
  }
  c.keys.add(endpoint.poolKey);
  return endpoint;
}

function compileEndpoints(list: readonly EndpointConfig[], protocol: Protocol, c: Compilation): UpstreamEndpoint[] {
  if (list.length === 1) {
    const endpoint = endpointOf(list[0], protocol, c);
    let shared = c.singleLists.get(endpoint);
    if (shared === undefined) c.singleLists.set(endpoint, (shared = [endpoint]));
    return shared;
  }
  const endpoints = list.map((e) => endpointOf(e, protocol, c));
  const key = endpoints.map((e) => e.poolKey).join(' ');
  const shared = c.lists.get(key);
  if (shared !== undefined) return shared;
  c.lists.set(key, endpoints);
  return endpoints;
}

function compileMirrors(f: FiltersConfig, c: Compilation): CompiledMirror[] | null {
  if (!f.mirrors || f.mirrors.length === 0) return null;
  return f.mirrors.map((m) => ({
    name: m.backend.name,
    endpoints: compileEndpoints(m.backend.endpoints ?? [], m.backend.protocol, c),
    next: 0,
    numerator: m.numerator,
    denominator: m.denominator,
  }));
}

function compileFilters(f: FiltersConfig | null, matchPrefix: string | null, c: Compilation): CompiledFilters | null {
  // Most rules have no filter: answer that before allocating anything (compile garbage grows the heap).
  if (f === null) return null;
  if (f.requestHeaders === null && f.responseHeaders === null && f.urlRewrite === null && !f.mirrors?.length && !f.cors) return null;
  const out: CompiledFilters = {
    requestHeaders: compileHeaderEdits(f.requestHeaders),
    responseHeaders: compileHeaderEdits(f.responseHeaders),
    rewriteHost: f.urlRewrite?.hostname ?? null,
    rewritePath: compilePathModifier(f.urlRewrite?.path ?? null, matchPrefix),
    mirrors: compileMirrors(f, c),
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

/** Shared by every backend in that state; never written. */
const INVALID_ENDPOINTS: UpstreamEndpoint[] = [];
const NO_ENDPOINTS: UpstreamEndpoint[] = [];
const NO_BACKENDS: CompiledBackend[] = [];

function compileBackend(b: BackendConfig, matchPrefix: string | null, c: Compilation): CompiledBackend {
  const state = b.endpoints === null ? BACKEND_INVALID : b.endpoints.length === 0 ? BACKEND_NO_ENDPOINTS : BACKEND_OK;
  const endpoints = b.endpoints === null ? INVALID_ENDPOINTS : b.endpoints.length === 0 ? NO_ENDPOINTS : compileEndpoints(b.endpoints, b.protocol, c);
  // Filters depend on the rule's match, so only backends without them are shared.
  const byName = b.filters === null ? inner(c.backends[b.protocol], endpoints) : null;
  const shared = byName?.get(b.name);
  if (shared !== undefined) return shared;
  const backend: CompiledBackend = {
    name: b.name,
    state,
    endpoints,
    next: 0,
    protocol: b.protocol,
    filters: compileFilters(b.filters, matchPrefix, c),
  };
  byName?.set(b.name, backend);
  return backend;
}

function singleBackend(backend: CompiledBackend, c: Compilation): CompiledBackend[] {
  let shared = c.backendLists.get(backend);
  if (shared === undefined) c.backendLists.set(backend, (shared = [backend]));
  return shared;
}

function compileRule(r: RouteRuleConfig, scheme: 'http' | 'https', c: Compilation): CompiledRule {
  const match = compileMatch(r.match);
  const matchPrefix = match.pathKind === PATH_PREFIX ? match.pathValue : null;
  const rule: CompiledRule = {
    route: r.route,
    ruleIndex: r.ruleIndex,
    ruleName: r.ruleName,
    match,
    scheme,
    filters: compileFilters(r.filters, matchPrefix, c),
    action: ACTION_FORWARD,
    backends: NO_BACKENDS,
    picker: null,
    redirect: null,
    direct: null,
    timeoutMs: effectiveTimeout(r),
    attemptTimeoutMs: r.retry === undefined ? 0 : positive(r.timeouts?.backendRequest),
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
    // (map() makes arrays of the exact length; push() would leave spare capacity in 10,000 of them.)
    const live = a.backends.length === 1 && a.backends[0].weight > 0 ? a.backends : a.backends.filter((b) => b.weight > 0);
    if (live.length === 0) {
      rule.action = ACTION_DIRECT;
      rule.direct = directAnswer(500, 'no backend\n');
    } else if (live.length === 1) {
      rule.backends = singleBackend(compileBackend(live[0], matchPrefix, c), c);
    } else {
      rule.backends = live.map((b) => compileBackend(b, matchPrefix, c));
      rule.picker = new WeightedPicker(live.map((b) => b.weight));
    }
  }
  return rule;
}

/** A timeout in milliseconds, 0 for none (unset or 0, which the spec uses to disable it). */
function positive(ms: number | null | undefined): number {
  return typeof ms === 'number' && ms > 0 ? ms : 0;
}

/**
 * Spec (HTTPRouteTimeouts): `request` bounds the whole answer, `backendRequest` each backend request. Without
 * retries one backend request serves the whole answer, so the shorter of the two applies; with a retry policy
 * `backendRequest` bounds each attempt instead (attemptTimeoutMs). 0 disables one.
 */
function effectiveTimeout(r: RouteRuleConfig): number {
  if (r.timeouts === undefined) return 0;
  const a = positive(r.timeouts.request);
  if (r.retry !== undefined) return a;
  const b = positive(r.timeouts.backendRequest);
  return a === 0 ? b : b === 0 ? a : Math.min(a, b);
}

/** The pool keys a compiled rule holds (its backends' endpoints and its mirrors'). */
function addRulePools(rule: CompiledRule, keys: Set<string>): void {
  addMirrorPools(rule.filters, keys);
  for (let i = 0; i < rule.backends.length; i++) {
    const b = rule.backends[i];
    for (let j = 0; j < b.endpoints.length; j++) keys.add(b.endpoints[j].poolKey);
    addMirrorPools(b.filters, keys);
  }
}

function addMirrorPools(f: CompiledFilters | null, keys: Set<string>): void {
  if (f === null || f.mirrors === null) return;
  for (const m of f.mirrors) for (const e of m.endpoints) keys.add(e.poolKey);
}

/** Compiles a rule of a listener; null (and a log line) when it does not compile. */
function compileOrLog(r: RouteRuleConfig, l: ListenerConfig, c: Compilation, keys: Set<string>): CompiledRule | null {
  c.keys = keys;
  try {
    return compileRule(r, l.scheme, c);
  } catch (err) {
    // A rule whose regular expression RE2 rejects cannot match anything; the others still serve.
    c.deps.logger.error(
      { listener: l.name, route: r.route, rule: r.ruleIndex, error: (err as Error).message },
      'rule left out: it does not compile',
    );
    return null;
  }
}

function compileListener(p: PortConfig, l: ListenerConfig, c: Compilation, builds: Map<string, VirtualHostBuild>, all: Set<string>): CompiledListener {
  const virtualHosts = l.virtualHosts.map((vh) => {
    const key = `${p.key} ${l.name} ${l.scheme} ${vh.hostname}`;
    const build = buildVirtualHost(vh, c.deps.previous?.get(key), {
      compile: (r, keys) => compileOrLog(r, l, c, keys),
      addPools: addRulePools,
    });
    builds.set(key, build);
    for (const k of build.pools) all.add(k);
    return build.vhost;
  });
  return { name: l.name, host: compileHost(l.hostname), virtualHosts, hosts: buildHostIndex(virtualHosts.map((v) => v.host)) };
}

function compilePort(p: PortConfig, config: Config, c: Compilation, builds: Map<string, VirtualHostBuild>, all: Set<string>): CompiledPort {
  const listeners = p.listeners.map((l) => compileListener(p, l, c, builds, all));
  return {
    key: p.key,
    address: p.address,
    port: p.port,
    protocol: p.protocol,
    listeners,
    hosts: buildHostIndex(listeners.map((l) => l.host)),
    tls: p.protocol === 'HTTPS' ? compilePortTLS(p, config, c.deps.contexts) : null,
  };
}

export function compileConfig(config: Config, deps: CompileDeps): CompiledConfig {
  const c: Compilation = {
    deps,
    keys: new Set(),
    endpoints: { 'http/1.1': new Map(), h2c: new Map() },
    singleLists: new Map(),
    lists: new Map(),
    backends: { 'http/1.1': new Map(), h2c: new Map() },
    backendLists: new Map(),
  };
  const endpointKeys = new Set<string>();
  const builds = new Map<string, VirtualHostBuild>();
  const ports = new Map<string, CompiledPort>();
  for (const p of config.ports) ports.set(p.key, compilePort(p, config, c, builds, endpointKeys));
  deps.contexts.commit();
  return { ports, endpointKeys, builds };
}
