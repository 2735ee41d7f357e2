// Builds IR Configs by hand for data plane tests: the data plane executes whatever it is given.
import type {
  ActionConfig,
  BackendConfig,
  CertificateConfig,
  Config,
  FiltersConfig,
  HeaderEditsConfig,
  ListenerConfig,
  MatchConfig,
  PortConfig,
  RouteRuleConfig,
  VirtualHostConfig,
} from '../../src/config/types.ts';

export const NO_FILTERS: FiltersConfig = { requestHeaders: null, responseHeaders: null, urlRewrite: null };

export function config(ports: PortConfig[], certificates: Record<string, CertificateConfig> = {}): Config {
  return { ports: [...ports].sort((a, b) => (a.key < b.key ? -1 : 1)), certificates };
}

export function port(address: string, p: number, listeners: ListenerConfig[], protocol: 'HTTP' | 'HTTPS' = 'HTTP'): PortConfig {
  return { key: `${address}:${p}`, address, port: p, protocol, listeners };
}

export function listener(
  name: string,
  hostname: string | null,
  virtualHosts: VirtualHostConfig[],
  certificateIds: string[] | null = null,
): ListenerConfig {
  return {
    name,
    hostname,
    scheme: certificateIds === null ? 'http' : 'https',
    tls: certificateIds === null ? null : { certificateIds },
    virtualHosts,
  };
}

export function vhost(hostname: string, rules: RouteRuleConfig[]): VirtualHostConfig {
  return { hostname, rules };
}

export interface RuleOptions {
  path?: string;
  pathType?: 'Exact' | 'PathPrefix' | 'RegularExpression';
  method?: string;
  headers?: MatchConfig['headers'];
  queryParams?: MatchConfig['queryParams'];
  filters?: Partial<FiltersConfig>;
  route?: string;
}

export function rule(action: ActionConfig, o: RuleOptions = {}): RouteRuleConfig {
  return {
    route: o.route ?? 'default/route',
    ruleIndex: 0,
    ruleName: null,
    match: {
      path: { type: o.pathType ?? 'PathPrefix', value: o.path ?? '/' },
      method: o.method ?? null,
      headers: o.headers ?? [],
      queryParams: o.queryParams ?? [],
    },
    filters: { ...NO_FILTERS, ...o.filters },
    action,
  };
}

export function forward(...backends: BackendConfig[]): ActionConfig {
  return { type: 'forward', backends };
}

export function backend(
  name: string,
  endpoints: { address: string; port: number }[] | null,
  weight = 1,
  filters: Partial<FiltersConfig> | null = null,
): BackendConfig {
  return { name, weight, endpoints, protocol: 'http/1.1', filters: filters === null ? null : { ...NO_FILTERS, ...filters } };
}

export function headerEdits(e: Partial<HeaderEditsConfig>): HeaderEditsConfig {
  return { set: e.set ?? [], add: e.add ?? [], remove: e.remove ?? [] };
}

/** One HTTP port with one catch-all listener and virtual host holding `rules`. */
export function simple(address: string, p: number, rules: RouteRuleConfig[]): Config {
  return config([port(address, p, [listener('default/gw/http', null, [vhost('*', rules)])])]);
}
