// The IR for the data plane: sockets (address:port) → listeners (most specific hostname first) → virtual
// hosts (route ∩ listener hostnames, most specific first) → match entries in precedence order.
import type {
  ActionConfig,
  CertificateConfig,
  Config,
  ListenerConfig,
  PortConfig,
  RouteRuleConfig,
  VirtualHostConfig,
} from '../config/types.ts';
import { compareHostnameSpecificity } from './hostnames.ts';
import type { CompiledAction, CompiledRoute } from './httproute.ts';
import type { ListenerState } from './listeners.ts';
import { compareSortKeys, precedenceSortKey, timestampOf, type PrecedenceSortKey } from './precedence.ts';

/** A listener that is served, with the routes attached to it and the hostnames each serves there. */
export interface ServedListener {
  state: ListenerState;
  addresses: readonly string[];
  routes: { route: CompiledRoute; hostnames: string[] }[];
}

const WELL_KNOWN_PORT: Record<string, number> = { http: 80, https: 443 };

/**
 * Spec (HTTPRequestRedirectFilter.port): without a port, the scheme's well-known port when the filter sets a
 * scheme, else the listener's port. Without a scheme, the listener's.
 */
function resolveAction(action: CompiledAction, listenerScheme: 'http' | 'https', listenerPort: number): ActionConfig {
  if (action.type !== 'redirect') return action;
  const f = action.filter;
  const scheme = f.scheme ?? listenerScheme;
  const port = f.port ?? (f.scheme ? WELL_KNOWN_PORT[f.scheme] : listenerPort);
  return {
    type: 'redirect',
    scheme,
    hostname: f.hostname ?? null,
    port,
    path: action.path ? { ...action.path } : null,
    statusCode: f.statusCode ?? 302,
  };
}

interface Entry {
  key: PrecedenceSortKey;
  config: RouteRuleConfig;
}

/**
 * A compiled route's match entries on a listener of this scheme and port, in rule and match order. They
 * depend only on the compiled route (itself cached by object identity, see cache.ts), the scheme and the
 * port, so they are kept per compiled route: an unchanged route costs no allocation here. The entries are
 * read-only; sorting happens on the per-hostname arrays that hold them.
 */
const routeEntries = new WeakMap<CompiledRoute, Map<number, Entry[]>>();

function entriesOf(route: CompiledRoute, scheme: 'http' | 'https', port: number): Entry[] {
  const key = scheme === 'https' ? -port : port;
  let byListener = routeEntries.get(route);
  const hit = byListener?.get(key);
  if (hit) return hit;
  const creationTimestamp = timestampOf(route.route.metadata.creationTimestamp);
  const entries: Entry[] = [];
  for (const rule of route.rules) {
    const action = resolveAction(rule.action, scheme, port);
    const timeouts = rule.timeouts ? { ...rule.timeouts } : undefined;
    const retry = rule.retry ? { ...rule.retry, codes: [...rule.retry.codes] } : undefined;
    for (let matchIndex = 0; matchIndex < rule.matches.length; matchIndex++) {
      const match = rule.matches[matchIndex];
      entries.push({
        key: precedenceSortKey({ match, creationTimestamp, route: route.key, ruleIndex: rule.ruleIndex, matchIndex }),
        config: {
          route: route.key,
          ruleIndex: rule.ruleIndex,
          ruleName: rule.ruleName,
          match,
          filters: rule.filters,
          action,
          ...(timeouts ? { timeouts } : {}),
          ...(retry ? { retry } : {}),
        },
      });
    }
  }
  if (!byListener) {
    byListener = new Map();
    routeEntries.set(route, byListener);
  }
  byListener.set(key, entries);
  return entries;
}

function byPrecedence(a: Entry, b: Entry): number {
  return compareSortKeys(a.key, b.key);
}

function sameElements<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One virtual host and the entries it was made from, in the order they were gathered (before sorting). */
interface HostBuild {
  gathered: Entry[];
  vhost: VirtualHostConfig;
}

/** What one served listener (on one scheme and port) gave in the last buildConfig call. */
interface ListenerBuild {
  /** The routes served on the listener, and each one's match entries (by position). */
  routes: ServedListener['routes'];
  entries: Entry[][];
  hosts: Map<string, HostBuild>;
  /** For each hostname, the positions of the routes whose entries it gathered, in order. */
  positions: Map<string, number[]>;
  vhosts: VirtualHostConfig[];
  /** The ListenerConfig on each address. */
  configs: Map<string, ListenerConfig>;
}

/**
 * The IR objects of the last buildConfig call, so that the next one hands out the very same objects where
 * nothing changed: a virtual host whose entries are the same entries in the same order, a listener whose
 * virtual hosts are all the same, a port whose listeners are, and the whole config. The data plane relies
 * on this to recompile only what changed. The objects are read-only and equal to what a fresh build gives
 * (sorting is stable and depends only on the gathered entries), so reusing them keeps translate pure.
 */
interface Build {
  listeners: Map<string, ListenerBuild>;
  ports: Map<string, PortConfig>;
  certificates: Record<string, CertificateConfig>;
  config: Config | null;
}

let last: Build = { listeners: new Map(), ports: new Map(), certificates: {}, config: null };

/** The same routes with the same hostname lists (parents-cache.ts hands out the same arrays), in the same order. */
function sameRoutes(a: ServedListener['routes'], b: ServedListener['routes']): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].route !== b[i].route || a[i].hostnames !== b[i].hostnames) return false;
  return true;
}

/** Whether routes[from..i) (the same route) already serves `hostname`. */
function servedEarlierInRun(routes: ServedListener['routes'], from: number, i: number, hostname: string): boolean {
  for (let j = from; j < i; j++) if (routes[j].hostnames.includes(hostname)) return true;
  return false;
}

/** A route alone in its run (not attached twice to the listener): its hostnames are its own to gather. */
function alone(routes: ServedListener['routes'], i: number): boolean {
  const route = routes[i].route;
  return routes[i - 1]?.route !== route && routes[i + 1]?.route !== route;
}

/** More changed positions than this and the listener's hosts are gathered anew (the simple way). */
const MAX_PATCHED = 64;

/**
 * The common change: the same number of routes, a few replaced at their positions (each alone in its run,
 * before and after). Only the hostnames of those routes, old and new, are gathered again, from the positions
 * kept per hostname; every other virtual host is the previous one. Null when the change is another kind.
 */
function patchedHosts(routes: ServedListener['routes'], previous: ListenerBuild, scheme: 'http' | 'https', port: number): ListenerBuild | null {
  const before = previous.routes;
  if (before.length !== routes.length) return null;
  const changed: number[] = [];
  for (let i = 0; i < routes.length; i++) {
    if (routes[i].route === before[i].route && routes[i].hostnames === before[i].hostnames) continue;
    if (changed.length === MAX_PATCHED || !alone(routes, i) || !alone(before, i)) return null;
    changed.push(i);
  }
  const entries = previous.entries.slice();
  const affected = new Set<string>();
  for (const i of changed) {
    if (routes[i].route !== before[i].route) entries[i] = entriesOf(routes[i].route, scheme, port);
    for (const h of before[i].hostnames) affected.add(h);
    for (const h of routes[i].hostnames) affected.add(h);
  }
  const hosts = new Map(previous.hosts);
  const positions = new Map(previous.positions);
  for (const hostname of affected) {
    const kept = (previous.positions.get(hostname) ?? []).filter((i) => !changed.includes(i));
    for (const i of changed) if (routes[i].hostnames.includes(hostname)) kept.push(i);
    kept.sort((a, b) => a - b);
    if (kept.length === 0) {
      hosts.delete(hostname);
      positions.delete(hostname);
      continue;
    }
    const gathered: Entry[] = [];
    for (const i of kept) for (const e of entries[i]) gathered.push(e);
    positions.set(hostname, kept);
    hosts.set(hostname, hostBuild(hostname, gathered, previous.hosts.get(hostname)));
  }
  return { routes, entries, hosts, positions, vhosts: orderedVhosts(hosts, previous), configs: new Map() };
}

/** The virtual host of these gathered entries: the previous one when they are the same entries. */
function hostBuild(hostname: string, gathered: Entry[], before: HostBuild | undefined): HostBuild {
  if (before && sameElements(before.gathered, gathered)) return before;
  return { gathered, vhost: { hostname, rules: [...gathered].sort(byPrecedence).map((e) => e.config) } };
}

/** The virtual hosts most specific first; the previous array when it holds the same ones. */
function orderedVhosts(hosts: ReadonlyMap<string, HostBuild>, previous: ListenerBuild | undefined): VirtualHostConfig[] {
  const vhosts = [...hosts.values()].map((h) => h.vhost).sort((a, b) => compareHostnameSpecificity(a.hostname, b.hostname));
  return previous && sameElements(previous.vhosts, vhosts) ? previous.vhosts : vhosts;
}

function virtualHosts(served: ServedListener, scheme: 'http' | 'https', previous: ListenerBuild | undefined): ListenerBuild {
  const routes = served.routes;
  if (previous && sameRoutes(previous.routes, routes)) return { ...previous, configs: new Map() };
  const patched = previous ? patchedHosts(routes, previous, scheme, served.state.listener.port) : null;
  if (patched) return patched;
  const gathered = new Map<string, Entry[]>();
  const positions = new Map<string, number[]>();
  const port = served.state.listener.port;
  const entriesByRoute = new Array<Entry[]>(routes.length);
  // A route's attachments to this listener are pushed one after the other (attachRoute), so a route attached
  // through two parentRefs shows up again within its own run; it is served once per hostname.
  let runStart = 0;
  for (let i = 0; i < routes.length; i++) {
    const { route, hostnames } = routes[i];
    if (i > 0 && routes[i - 1].route !== route) runStart = i;
    // The route at the same position as last time has the same entries: no lookup per route.
    const entries = previous?.routes[i]?.route === route ? previous.entries[i] : entriesOf(route, scheme, port);
    entriesByRoute[i] = entries;
    for (const hostname of hostnames) {
      if (servedEarlierInRun(routes, runStart, i, hostname)) continue;
      let hostEntries = gathered.get(hostname);
      if (!hostEntries) {
        hostEntries = [];
        gathered.set(hostname, hostEntries);
        positions.set(hostname, []);
      }
      for (let k = 0; k < entries.length; k++) hostEntries.push(entries[k]);
      positions.get(hostname)!.push(i);
    }
  }
  const hosts = new Map<string, HostBuild>();
  for (const [hostname, entries] of gathered) hosts.set(hostname, hostBuild(hostname, entries, previous?.hosts.get(hostname)));
  return { routes, entries: entriesByRoute, hosts, positions, vhosts: orderedVhosts(hosts, previous), configs: new Map() };
}

function sameListener(a: ListenerConfig, b: ListenerConfig): boolean {
  if (a.name !== b.name || a.hostname !== b.hostname || a.scheme !== b.scheme || a.virtualHosts !== b.virtualHosts) return false;
  if (a.tls === null || b.tls === null) return a.tls === b.tls;
  return sameElements(a.tls.certificateIds, b.tls.certificateIds);
}

function samePort(a: PortConfig, b: PortConfig): boolean {
  return a.key === b.key && a.address === b.address && a.port === b.port && a.protocol === b.protocol && sameElements(a.listeners, b.listeners);
}

/**
 * The config shares sub-objects between entries (a rule served on two addresses is one object) and with
 * earlier results (see Build): it is read-only data, never aliasing the snapshot.
 */
export function buildConfig(served: readonly ServedListener[]): Config {
  const previous = last;
  const build: Build = { listeners: new Map(), ports: new Map(), certificates: {}, config: null };
  const ports = new Map<string, PortConfig>();
  const certificates: Record<string, CertificateConfig> = {};
  for (const s of served) {
    const l = s.state.listener;
    const scheme = l.protocol === 'HTTPS' ? 'https' : 'http';
    const tls = s.state.certificates ? { certificateIds: [...s.state.certificates.ids] } : null;
    if (s.state.certificates) {
      for (const id of s.state.certificates.ids) {
        const material = s.state.certificates.material[id];
        const before = previous.certificates[id];
        certificates[id] = before && before.certPem === material.certPem && before.keyPem === material.keyPem ? before : { ...material };
      }
    }
    const buildKey = `${s.state.key}|${scheme}|${l.port}`;
    const before = previous.listeners.get(buildKey);
    const listenerBuild = build.listeners.get(buildKey) ?? virtualHosts(s, scheme, before);
    build.listeners.set(buildKey, listenerBuild);
    for (const address of s.addresses) {
      const key = `${address}:${l.port}`;
      const port = ports.get(key) ?? { key, address, port: l.port, protocol: l.protocol === 'HTTPS' ? 'HTTPS' : 'HTTP', listeners: [] };
      ports.set(key, port);
      let listener: ListenerConfig = {
        name: s.state.key,
        hostname: s.state.hostname,
        scheme,
        tls: tls ? { certificateIds: [...tls.certificateIds] } : null,
        virtualHosts: listenerBuild.vhosts,
      };
      const earlier = before?.configs.get(address);
      if (earlier && sameListener(earlier, listener)) listener = earlier;
      listenerBuild.configs.set(address, listener);
      port.listeners.push(listener);
    }
  }
  for (const port of ports.values()) {
    port.listeners.sort(
      (a, b) => compareHostnameSpecificity(a.hostname, b.hostname) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
  }
  const sortedCerts: Record<string, CertificateConfig> = {};
  for (const id of Object.keys(certificates).sort()) sortedCerts[id] = certificates[id];
  const sortedPorts = [...ports.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => {
      const earlier = previous.ports.get(p.key);
      const port = earlier && samePort(earlier, p) ? earlier : p;
      build.ports.set(p.key, port);
      return port;
    });
  build.certificates = sortedCerts;
  const config: Config = { ports: sortedPorts, certificates: sortedCerts };
  const earlier = previous.config;
  const sameCerts = (a: Record<string, CertificateConfig>, b: Record<string, CertificateConfig>): boolean => {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return sameElements(ka, kb) && ka.every((k) => a[k] === b[k]);
  };
  build.config = earlier && sameElements(earlier.ports, config.ports) && sameCerts(earlier.certificates, config.certificates) ? earlier : config;
  last = build;
  return build.config;
}
