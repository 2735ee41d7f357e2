// Config (the IR) → the tables the hot path walks. Runs in apply(), never per request.
//
// Incremental: translate hands out the very same IR objects for routes that did not change, so a virtual
// host whose rules are the same objects as in the config that serves now is reused as it is (rules, lookup
// index and all), and in a virtual host that changed only the rules that are new objects are compiled. A
// one-route change at 10,000 routes compiles one route and indexes one virtual host.
import type {
  BackendConfig,
  Config,
  EndpointConfig,
  FiltersConfig,
  ListenerConfig,
  PortConfig,
  RouteRuleConfig,
  VirtualHostConfig,
} from '../config/types.ts';
import type { Logger } from '../log.ts';
import { directAnswer } from './errors.ts';
import type { LocalAnswer } from './errors.ts';
import { compileHost } from './hostname.ts';
import type { HostMatcher } from './hostname.ts';
import { buildHostIndex } from './http/host-index.ts';
import type { HostIndex } from './http/host-index.ts';
import { buildRuleIndex } from './http/rule-index.ts';
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
  /** Milliseconds the answer may take (the shorter of the rule's request and backendRequest timeouts); 0: none. */
  timeoutMs: number;
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

/** A compiled virtual host with the IR rules it was made from. */
interface VirtualHostBuild {
  /** The IR rules, the same objects as in the config, in its order. */
  source: readonly RouteRuleConfig[];
  /** `source[i]` compiled, or null when it does not compile. */
  compiled: readonly (CompiledRule | null)[];
  vhost: CompiledVirtualHost;
  /** The pool keys of every endpoint its rules name. */
  pools: readonly string[];
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

/** State of one compileConfig call. */
interface Compilation {
  deps: CompileDeps;
  /** Pool keys of the virtual host being compiled. */
  keys: Set<string>;
  /** Endpoints and endpoint lists by their pool keys, so that rules naming the same ones share them. */
  endpoints: Map<string, UpstreamEndpoint>;
  endpointLists: Map<string, UpstreamEndpoint[]>;
}

/** The endpoints of a backend, shared with every backend that names the same ones on the same protocol. */
function compileEndpoints(list: readonly EndpointConfig[], protocol: 'http/1.1' | 'h2c', c: Compilation): UpstreamEndpoint[] {
  const endpoints: UpstreamEndpoint[] = [];
  let listKey = '';
  for (const e of list) {
    const key = endpointKey(e.address, e.port);
    const pool = poolKey(key, protocol);
    c.keys.add(pool);
    let endpoint = c.endpoints.get(pool);
    if (endpoint === undefined) {
      endpoint = { key, address: e.address, port: e.port, pool: c.deps.pools.obtain(pool, protocol, key), poolKey: pool };
      c.endpoints.set(pool, endpoint);
    }
    endpoints.push(endpoint);
    listKey = listKey === '' ? pool : `${listKey} ${pool}`;
  }
  // The lists are only read (round robin positions live in the backend), so equal lists are one array.
  const shared = c.endpointLists.get(listKey);
  if (shared !== undefined) return shared;
  c.endpointLists.set(listKey, endpoints);
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
  if (f === null) return null;
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

/** Shared by every backend without endpoints and every rule without backends; never written. */
const NO_ENDPOINTS: UpstreamEndpoint[] = [];
const NO_BACKENDS: CompiledBackend[] = [];

function compileBackend(b: BackendConfig, matchPrefix: string | null, c: Compilation): CompiledBackend {
  let state = BACKEND_OK;
  let endpoints = NO_ENDPOINTS;
  if (b.endpoints === null) state = BACKEND_INVALID;
  else if (b.endpoints.length === 0) state = BACKEND_NO_ENDPOINTS;
  else endpoints = compileEndpoints(b.endpoints, b.protocol, c);
  return {
    name: b.name,
    state,
    endpoints,
    next: 0,
    protocol: b.protocol,
    filters: compileFilters(b.filters, matchPrefix, c),
  };
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
      rule.backends = live.map((b) => compileBackend(b, matchPrefix, c));
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

/** The pool keys a compiled rule holds (its backends' endpoints and its mirrors'). */
function addRulePools(rule: CompiledRule, keys: Set<string>): void {
  const add = (endpoints: readonly UpstreamEndpoint[]): void => {
    for (const e of endpoints) keys.add(e.poolKey);
  };
  const addMirrors = (f: CompiledFilters | null): void => {
    if (f !== null && f.mirrors !== null) for (const m of f.mirrors) add(m.endpoints);
  };
  addMirrors(rule.filters);
  for (const b of rule.backends) {
    add(b.endpoints);
    addMirrors(b.filters);
  }
}

function sameRules(a: readonly RouteRuleConfig[], b: readonly RouteRuleConfig[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compileVirtualHost(l: ListenerConfig, vh: VirtualHostConfig, previous: VirtualHostBuild | undefined, c: Compilation): VirtualHostBuild {
  if (previous !== undefined && sameRules(previous.source, vh.rules)) return previous;
  // Rules that are the same IR objects as in the serving config keep their compiled form (and its state).
  const reusable = new Map<RouteRuleConfig, CompiledRule | null>();
  if (previous !== undefined) for (let i = 0; i < previous.source.length; i++) reusable.set(previous.source[i], previous.compiled[i]);
  c.keys = new Set();
  const compiled: (CompiledRule | null)[] = [];
  const rules: CompiledRule[] = [];
  for (const r of vh.rules) {
    let rule = reusable.get(r);
    if (rule !== undefined) {
      if (rule !== null) addRulePools(rule, c.keys);
    } else {
      try {
        rule = compileRule(r, l.scheme, c);
      } catch (err) {
        // A rule whose regular expression RE2 rejects cannot match anything; the others still serve.
        c.deps.logger.error(
          { listener: l.name, route: r.route, rule: r.ruleIndex, error: (err as Error).message },
          'rule left out: it does not compile',
        );
        rule = null;
      }
    }
    compiled.push(rule);
    if (rule !== null) rules.push(rule);
  }
  const vhost: CompiledVirtualHost = { host: compileHost(vh.hostname), rules, index: buildRuleIndex(rules) };
  return { source: vh.rules, compiled, vhost, pools: [...c.keys] };
}

function compileListener(p: PortConfig, l: ListenerConfig, c: Compilation, builds: Map<string, VirtualHostBuild>, all: Set<string>): CompiledListener {
  const virtualHosts = l.virtualHosts.map((vh) => {
    const key = `${p.key} ${l.name} ${l.scheme} ${vh.hostname}`;
    const build = compileVirtualHost(l, vh, c.deps.previous?.get(key), c);
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
  const c: Compilation = { deps, keys: new Set(), endpoints: new Map(), endpointLists: new Map() };
  const endpointKeys = new Set<string>();
  const builds = new Map<string, VirtualHostBuild>();
  const ports = new Map<string, CompiledPort>();
  for (const p of config.ports) ports.set(p.key, compilePort(p, config, c, builds, endpointKeys));
  deps.contexts.commit();
  return { ports, endpointKeys, builds };
}
