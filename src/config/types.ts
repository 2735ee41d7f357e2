// The IR: what the data plane needs to serve traffic, as plain JSON-serialisable data. `translate()` makes
// it, `dataplane.apply()` compiles it. Every Gateway API decision (attachment, hostname intersection,
// precedence, reference checks, default values) is already taken here: the data plane only executes.

/** The whole data plane configuration at one moment. */
export interface Config {
  /** One entry per socket to listen on (address:port), sorted by key. */
  ports: PortConfig[];
  /** TLS key pairs by id (`namespace/secretName`), referenced by listeners; dumps redact `keyPem`. */
  certificates: Record<string, CertificateConfig>;
}

/** A listening socket shared by every Gateway listener on the same address and port. */
export interface PortConfig {
  /** `address:port`, unique; the data plane diffs sockets by it. */
  key: string;
  /** IP address to bind (a Gateway's address). */
  address: string;
  port: number;
  /** HTTPS terminates TLS on this socket and picks a certificate by SNI across `listeners`. */
  protocol: 'HTTP' | 'HTTPS';
  /**
   * The Gateway listeners on this socket, most specific hostname first: exact hostnames, then wildcards
   * by decreasing length, then the listener without hostname. A request is served by the first listener
   * whose hostname matches its Host (spec: listener isolation), and only by that listener's routes.
   */
  listeners: ListenerConfig[];
}

export interface ListenerConfig {
  /** `namespace/gatewayName/listenerName`. */
  name: string;
  /** Exact (`a.example.com`), wildcard (`*.example.com`: one or more labels) or null (any host). */
  hostname: string | null;
  /** Scheme requests arrive with on this listener; redirects and X-Forwarded-Proto use it. */
  scheme: 'http' | 'https';
  /** Certificates (ids into Config.certificates) for HTTPS listeners, chosen by SNI; null for HTTP. */
  tls: ListenerTLSConfig | null;
  /** Virtual hosts, most specific first (same order as listeners). A request uses the first that matches. */
  virtualHosts: VirtualHostConfig[];
}

export interface ListenerTLSConfig {
  /** One or more key pairs (e.g. RSA and ECDSA); the TLS stack picks what the client supports. */
  certificateIds: string[];
}

export interface CertificateConfig {
  /** PEM certificate chain. */
  certPem: string;
  /** PEM private key. Never logged; the config dump replaces it with a placeholder. */
  keyPem: string;
}

/** The routes that serve one hostname (the intersection of listener and route hostnames). */
export interface VirtualHostConfig {
  /** Exact, `*.suffix` wildcard, or `*` for any host the listener accepts. */
  hostname: string;
  /** Match entries in precedence order (spec: HTTPRouteRule precedence); the first that matches wins. */
  rules: RouteRuleConfig[];
}

/** One HTTPRouteMatch of one rule, flattened so that precedence is a plain order. */
export interface RouteRuleConfig {
  /** `namespace/name` of the HTTPRoute, for logs and metrics. */
  route: string;
  /** Index of the rule in the route's spec.rules. */
  ruleIndex: number;
  /** spec.rules[].name when given. */
  ruleName: string | null;
  match: MatchConfig;
  filters: FiltersConfig;
  /** What to do with a matching request. */
  action: ActionConfig;
  /** Spec (HTTPRouteRule.timeouts), when the rule sets any; absent means the data plane's defaults. */
  timeouts?: TimeoutsConfig;
  /** Spec (HTTPRouteRule.retry, GEP-1731), when the rule sets it; absent means no retries. */
  retry?: RetryConfig;
}

/** When to send a request to a backend again (spec: HTTPRouteRetry). */
export interface RetryConfig {
  /** Backend answer statuses that are retried; connection errors before an answer always are. */
  codes: number[];
  /** Retries after the first attempt (spec: "maximum number of times ... should be retried"). */
  attempts: number;
  /** Minimum milliseconds between attempts. */
  backoffMs: number;
}

/** Timeouts of a rule in milliseconds (spec: HTTPRouteTimeouts, GEP-2257 durations). */
export interface TimeoutsConfig {
  /** Whole request, from the gateway receiving it to the response; 0 disables it; null when not set. */
  request: number | null;
  /** Each request to a backend; 0 disables it; null when not set. */
  backendRequest: number | null;
}

export interface MatchConfig {
  path: PathMatchConfig;
  /** Upper-case HTTP method, or null for any. */
  method: string | null;
  /** All must match. */
  headers: HeaderMatchConfig[];
  /** All must match. */
  queryParams: QueryParamMatchConfig[];
}

export interface PathMatchConfig {
  type: 'Exact' | 'PathPrefix' | 'RegularExpression';
  /** PathPrefix values have no trailing slash except `/` itself (translate normalises them). */
  value: string;
}

export interface HeaderMatchConfig {
  /** Lower-case header name. */
  name: string;
  type: 'Exact' | 'RegularExpression';
  value: string;
}

export interface QueryParamMatchConfig {
  /** Query parameter names are case-sensitive (spec). */
  name: string;
  type: 'Exact' | 'RegularExpression';
  value: string;
}

/** Filters of a rule or of a backendRef. Absent stages are null so the hot path skips them. */
export interface FiltersConfig {
  requestHeaders: HeaderEditsConfig | null;
  responseHeaders: HeaderEditsConfig | null;
  urlRewrite: URLRewriteConfig | null;
  /** RequestMirror filters whose backendRef resolved (rule filters only); absent or null when none. */
  mirrors?: MirrorConfig[] | null;
  /** The CORS filter (rule filters only); absent or null when none. */
  cors?: CORSConfig | null;
}

/** A copy of each sampled request goes to one endpoint of `backend`; its answer is discarded. */
export interface MirrorConfig {
  /** The resolved mirror backendRef (weight 1, no filters); its endpoints are never null here. */
  backend: BackendConfig;
  /** Share of requests mirrored: numerator / denominator, 0 ≤ numerator ≤ denominator, denominator > 0. */
  numerator: number;
  denominator: number;
}

/** Spec (HTTPCORSFilter): the gateway answers preflights itself and adds CORS headers to actual answers. */
export interface CORSConfig {
  /** Allowed origins as written: `*`, `scheme://host[:port]`, or a host with a leading `*` wildcard. */
  allowOrigins: string[];
  /** Allowed methods (case-sensitive), or `*`. */
  allowMethods: string[];
  /** Allowed request header names (lower-case), or `*`. */
  allowHeaders: string[];
  /** Response header names exposed to scripts (lower-case), or `*`. */
  exposeHeaders: string[];
  /** Seconds a preflight may be cached (Access-Control-Max-Age); the CRD default is 5. */
  maxAge: number;
  allowCredentials: boolean;
}

export interface HeaderEditsConfig {
  /** [name, value]; replaces every existing value. */
  set: [string, string][];
  /** [name, value]; appended to existing values. */
  add: [string, string][];
  /** Names to remove (case-insensitive). */
  remove: string[];
}

export interface PathModifierConfig {
  type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  /** The replacement; for ReplacePrefixMatch it replaces the rule's PathPrefix match value. */
  value: string;
}

export interface URLRewriteConfig {
  /** New Host header, or null to keep it. */
  hostname: string | null;
  path: PathModifierConfig | null;
}

export type ActionConfig = ForwardActionConfig | RedirectActionConfig | DirectResponseConfig;

/** Proxy to one of the backends, picked by weight. */
export interface ForwardActionConfig {
  type: 'forward';
  /** Weighted backends; those with weight 0 are left out by translate. Never empty (see DirectResponse). */
  backends: BackendConfig[];
}

/** Answer with a redirect (RequestRedirect filter). */
export interface RedirectActionConfig {
  type: 'redirect';
  /** Resolved scheme: the filter's, or the listener's. */
  scheme: 'http' | 'https';
  /** New host, or null for the request's host (without its port). */
  hostname: string | null;
  /** Resolved port (the filter's; else the scheme's well-known port when the filter sets a scheme; else the
   *  listener's). The Location omits it when it is the scheme's well-known port. */
  port: number;
  path: PathModifierConfig | null;
  statusCode: number;
}

/** Answer without a backend, e.g. 500 for a rule whose backendRefs are all invalid (spec). */
export interface DirectResponseConfig {
  type: 'direct';
  status: number;
  body: string;
}

export interface BackendConfig {
  /** `namespace/service:port`, for logs and metrics. */
  name: string;
  /** Relative weight, > 0. */
  weight: number;
  /**
   * Resolved endpoints; [] means the Service has no ready endpoint (503); null means the backendRef itself
   * is invalid (not found, not permitted, unsupported kind): its share of requests gets 500 (spec).
   */
  endpoints: EndpointConfig[] | null;
  /** Upstream protocol from the Service port's appProtocol. */
  protocol: 'http/1.1' | 'h2c';
  /** Filters set on this backendRef, applied after the rule's. */
  filters: FiltersConfig | null;
}

export interface EndpointConfig {
  address: string;
  port: number;
}
