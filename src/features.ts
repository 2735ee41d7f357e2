// The Gateway API features onramp claims, by their official names (conformance/utils/features). The
// conformance runner reads this list: a case that needs a feature not listed here is skipped, and a case
// of a listed feature that fails fails CI. Add a name only with the code and the passing cases behind it.
export const SUPPORTED_FEATURES: readonly string[] = [
  // Core of GATEWAY-HTTP.
  'Gateway',
  'HTTPRoute',
  'ReferenceGrant',
  // Gateway extended.
  'GatewayAddressEmpty',
  'GatewayHTTPListenerIsolation',
  'GatewayHTTPSListenerDetectMisdirectedRequests',
  'GatewayPort8080',
  'GatewayStaticAddresses',
  // HTTPRoute extended.
  'HTTPRoute303RedirectStatusCode',
  'HTTPRoute307RedirectStatusCode',
  'HTTPRoute308RedirectStatusCode',
  'HTTPRouteBackendProtocolH2C',
  'HTTPRouteBackendProtocolWebSocket',
  'HTTPRouteBackendTimeout',
  'HTTPRouteBackendRequestHeaderModification',
  'HTTPRouteCORS',
  'HTTPRouteHostRewrite',
  'HTTPRouteMethodMatching',
  'HTTPRouteNamedRouteRule',
  'HTTPRouteParentRefPort',
  'HTTPRoutePathRedirect',
  'HTTPRoutePathRewrite',
  'HTTPRoutePortRedirect',
  'HTTPRouteQueryParamMatching',
  'HTTPRouteRequestMirror',
  'HTTPRouteRequestMultipleMirrors',
  'HTTPRouteRequestPercentageMirror',
  'HTTPRouteRequestTimeout',
  'HTTPRouteResponseHeaderModification',
  'HTTPRouteRetry',
  'HTTPRouteSchemeRedirect',
];

export const IMPLEMENTATION = {
  organization: 'onramp',
  project: 'onramp',
  url: 'https://github.com/onramp-gateway/onramp',
  contact: [] as string[],
} as const;

export const GATEWAY_API_VERSION = 'v1.6.1';
export const DEFAULT_CONTROLLER_NAME = 'onramp.dev/gateway-controller';
