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
const routeEntries = new WeakMap<CompiledRoute, Map<string, Entry[]>>();

function entriesOf(route: CompiledRoute, scheme: 'http' | 'https', port: number): Entry[] {
  const key = scheme === 'https' ? -port : port;
  let byListener = routeEntries.get(route);
  const hit = byListener?.get(String(key));
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
  byListener.set(String(key), entries);
  return entries;
}

function byPrecedence(a: Entry, b: Entry): number {
  return compareSortKeys(a.key, b.key);
}

function virtualHosts(served: ServedListener, scheme: 'http' | 'https'): VirtualHostConfig[] {
  const byHost = new Map<string, Entry[]>();
  const seen = new Map<string, Set<string>>();
  const port = served.state.listener.port;
  for (const { route, hostnames } of served.routes) {
    const entries = entriesOf(route, scheme, port);
    for (const hostname of hostnames) {
      // A route attached through two parentRefs to the same listener is served once per hostname.
      let routesOfHost = seen.get(hostname);
      if (!routesOfHost) {
        routesOfHost = new Set();
        seen.set(hostname, routesOfHost);
      }
      if (routesOfHost.has(route.key)) continue;
      routesOfHost.add(route.key);
      let hostEntries = byHost.get(hostname);
      if (!hostEntries) {
        hostEntries = [];
        byHost.set(hostname, hostEntries);
      }
      for (let i = 0; i < entries.length; i++) hostEntries.push(entries[i]);
    }
  }
  return [...byHost.entries()]
    .sort(([a], [b]) => compareHostnameSpecificity(a, b))
    .map(([hostname, entries]) => ({
      hostname,
      rules: entries.sort(byPrecedence).map((e) => e.config),
    }));
}

/**
 * The config shares sub-objects between entries (a rule served on two addresses is one object): it is
 * read-only data made fresh by every translate, never aliasing the snapshot.
 */
export function buildConfig(served: readonly ServedListener[]): Config {
  const ports = new Map<string, PortConfig>();
  const certificates: Record<string, CertificateConfig> = {};
  for (const s of served) {
    const l = s.state.listener;
    const scheme = l.protocol === 'HTTPS' ? 'https' : 'http';
    const tls = s.state.certificates ? { certificateIds: [...s.state.certificates.ids] } : null;
    if (s.state.certificates) {
      for (const id of s.state.certificates.ids) certificates[id] = { ...s.state.certificates.material[id] };
    }
    const vhosts = virtualHosts(s, scheme);
    for (const address of s.addresses) {
      const key = `${address}:${l.port}`;
      const port = ports.get(key) ?? { key, address, port: l.port, protocol: l.protocol === 'HTTPS' ? 'HTTPS' : 'HTTP', listeners: [] };
      ports.set(key, port);
      const listener: ListenerConfig = {
        name: s.state.key,
        hostname: s.state.hostname,
        scheme,
        tls: tls ? { certificateIds: [...tls.certificateIds] } : null,
        virtualHosts: vhosts,
      };
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
  return {
    ports: [...ports.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    certificates: sortedCerts,
  };
}
