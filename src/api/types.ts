// Typed views of the Kubernetes and Gateway API objects onramp reads. Only the fields onramp uses are
// typed; the source keeps every other field as it was written (status dumps echo the object back).
// Field names follow the Gateway API v1.6.1 CRDs to the letter so that a reader of the spec recognises them.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  /** Set by the source: the API server's value in kubernetes mode, 1 + edits seen in standalone mode. */
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
}

/** Where an object came from: file and 1-based line in standalone mode, or the API server. */
export interface Origin {
  file: string;
  line: number;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  /** Set by the source; never part of what the user wrote. */
  origin?: Origin;
}

// ---------------------------------------------------------------- Gateway API: shared

export interface ParentReference {
  group?: string; // default gateway.networking.k8s.io
  kind?: string; // default Gateway
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface BackendObjectReference {
  group?: string; // default "" (core)
  kind?: string; // default Service
  name: string;
  namespace?: string;
  port?: number;
}

export interface SecretObjectReference {
  group?: string; // default ""
  kind?: string; // default Secret
  name: string;
  namespace?: string;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

// ---------------------------------------------------------------- GatewayClass

export interface GatewayClass extends KubeObject {
  kind: 'GatewayClass';
  spec: {
    controllerName: string;
    parametersRef?: { group: string; kind: string; name: string; namespace?: string };
    description?: string;
  };
}

// ---------------------------------------------------------------- Gateway

export type ProtocolType = 'HTTP' | 'HTTPS' | 'TLS' | 'TCP' | 'UDP' | string;

export interface RouteGroupKind {
  group?: string;
  kind: string;
}

export interface AllowedRoutes {
  namespaces?: {
    from?: 'All' | 'Same' | 'Selector' | 'None';
    selector?: LabelSelector;
  };
  kinds?: RouteGroupKind[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface GatewayTLSConfig {
  mode?: 'Terminate' | 'Passthrough';
  certificateRefs?: SecretObjectReference[];
  options?: Record<string, string>;
}

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: ProtocolType;
  tls?: GatewayTLSConfig;
  allowedRoutes?: AllowedRoutes;
}

export interface GatewaySpecAddress {
  type?: string; // default IPAddress
  value: string;
}

export interface Gateway extends KubeObject {
  kind: 'Gateway';
  spec: {
    gatewayClassName: string;
    listeners: Listener[];
    addresses?: GatewaySpecAddress[];
    infrastructure?: { labels?: Record<string, string>; annotations?: Record<string, string>; parametersRef?: unknown };
  };
}

// ---------------------------------------------------------------- HTTPRoute

export interface HTTPPathMatch {
  type?: 'Exact' | 'PathPrefix' | 'RegularExpression'; // default PathPrefix
  value?: string; // default "/"
}

export interface HTTPHeaderMatch {
  type?: 'Exact' | 'RegularExpression'; // default Exact
  name: string;
  value: string;
}

export interface HTTPQueryParamMatch {
  type?: 'Exact' | 'RegularExpression'; // default Exact
  name: string;
  value: string;
}

export interface HTTPRouteMatch {
  path?: HTTPPathMatch;
  headers?: HTTPHeaderMatch[];
  queryParams?: HTTPQueryParamMatch[];
  method?: string;
}

export interface HTTPHeader {
  name: string;
  value: string;
}

export interface HTTPHeaderFilter {
  set?: HTTPHeader[];
  add?: HTTPHeader[];
  remove?: string[];
}

export interface HTTPPathModifier {
  type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

export interface HTTPRequestRedirectFilter {
  scheme?: 'http' | 'https';
  hostname?: string;
  path?: HTTPPathModifier;
  port?: number;
  statusCode?: number; // default 302
}

export interface HTTPURLRewriteFilter {
  hostname?: string;
  path?: HTTPPathModifier;
}

export interface HTTPRequestMirrorFilter {
  backendRef: BackendObjectReference;
  percent?: number;
  fraction?: { numerator: number; denominator?: number };
}

export interface HTTPRouteFilter {
  type:
    | 'RequestHeaderModifier'
    | 'ResponseHeaderModifier'
    | 'RequestRedirect'
    | 'URLRewrite'
    | 'RequestMirror'
    | 'CORS'
    | 'ExtensionRef'
    | string;
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
  requestRedirect?: HTTPRequestRedirectFilter;
  urlRewrite?: HTTPURLRewriteFilter;
  requestMirror?: HTTPRequestMirrorFilter;
  extensionRef?: { group: string; kind: string; name: string };
  cors?: unknown;
}

export interface HTTPBackendRef extends BackendObjectReference {
  weight?: number; // default 1
  filters?: HTTPRouteFilter[];
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: HTTPBackendRef[];
  timeouts?: { request?: string; backendRequest?: string };
  retry?: { codes?: number[]; attempts?: number; backoff?: string };
}

export interface HTTPRoute extends KubeObject {
  kind: 'HTTPRoute';
  spec: {
    parentRefs?: ParentReference[];
    hostnames?: string[];
    rules?: HTTPRouteRule[];
  };
}

// ---------------------------------------------------------------- ReferenceGrant

export interface ReferenceGrant extends KubeObject {
  kind: 'ReferenceGrant';
  spec: {
    from: { group: string; kind: string; namespace: string }[];
    to: { group: string; kind: string; name?: string }[];
  };
}

// ---------------------------------------------------------------- core and discovery

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  appProtocol?: string;
}

export interface Service extends KubeObject {
  kind: 'Service';
  spec: {
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    selector?: Record<string, string>;
    ports?: ServicePort[];
    externalName?: string;
    clusterIP?: string;
  };
}

export interface EndpointSlice extends KubeObject {
  kind: 'EndpointSlice';
  /** IPv4 | IPv6 | FQDN */
  addressType: string;
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    hostname?: string;
    targetRef?: { kind?: string; name?: string; namespace?: string };
  }[];
  ports?: { name?: string; port?: number; protocol?: string; appProtocol?: string }[];
}

export interface Namespace extends KubeObject {
  kind: 'Namespace';
}

export interface Secret extends KubeObject {
  kind: 'Secret';
  type?: string;
  /** base64, as Kubernetes stores it. stringData is folded into data by the source. */
  data?: Record<string, string>;
}

export interface ConfigMap extends KubeObject {
  kind: 'ConfigMap';
  data?: Record<string, string>;
}

// ---------------------------------------------------------------- the snapshot

/** An object the source could not accept, and why. It is left out of the snapshot. */
export interface Rejection {
  /** "file:line" in standalone mode, "kind/namespace/name" otherwise. */
  where: string;
  kind?: string;
  namespace?: string;
  name?: string;
  reason: string;
}

/**
 * Everything the gateway cares about at one moment: what `translate()` reads. Sources build a new one on
 * every change; nobody mutates one after it is made (tests freeze it).
 */
export interface Snapshot {
  gatewayClasses: readonly GatewayClass[];
  gateways: readonly Gateway[];
  httpRoutes: readonly HTTPRoute[];
  referenceGrants: readonly ReferenceGrant[];
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
  namespaces: readonly Namespace[];
  secrets: readonly Secret[];
  configMaps: readonly ConfigMap[];
  /** Objects the source rejected (bad YAML, schema errors, unknown kinds). */
  rejected: readonly Rejection[];
}
