// The official conformance profiles (conformance/utils/suite/profiles.go and pkg/features of Gateway API
// v1.6.1): core features every implementation of the profile has, and the extended features it may claim.

const GATEWAY_EXTENDED = [
  'GatewayPort8080',
  'GatewayStaticAddresses',
  'GatewayHTTPListenerIsolation',
  'GatewayHTTPSListenerDetectMisdirectedRequests',
  'GatewayInfrastructurePropagation',
  'GatewayAddressEmpty',
  'GatewayBackendClientCertificate',
  'GatewayFrontendClientCertificateValidation',
  'GatewayFrontendClientCertificateValidationInsecureFallback',
  'ListenerSet',
];

const HTTPROUTE_EXTENDED = [
  'HTTPRouteDestinationPortMatching',
  'HTTPRouteBackendRequestHeaderModification',
  'HTTPRouteQueryParamMatching',
  'HTTPRouteMethodMatching',
  'HTTPRouteResponseHeaderModification',
  'HTTPRoutePortRedirect',
  'HTTPRouteSchemeRedirect',
  'HTTPRoutePathRedirect',
  'HTTPRouteHostRewrite',
  'HTTPRoutePathRewrite',
  'HTTPRouteRequestMirror',
  'HTTPRouteRequestMultipleMirrors',
  'HTTPRouteRequestPercentageMirror',
  'HTTPRouteRequestTimeout',
  'HTTPRouteBackendTimeout',
  'HTTPRouteParentRefPort',
  'HTTPRouteBackendProtocolH2C',
  'HTTPRouteBackendProtocolWebSocket',
  'HTTPRouteNamedRouteRule',
  'HTTPRouteCORS',
  'HTTPRoute303RedirectStatusCode',
  'HTTPRoute307RedirectStatusCode',
  'HTTPRoute308RedirectStatusCode',
  'HTTPRouteRetry',
  'HTTPRouteRetryBackendTimeout',
  'HTTPRouteRetryConnectionError',
  'HTTPRouteBackendURLRewrite',
  'HTTPRouteBackendRequestRedirect',
];

const BACKEND_TLS_POLICY = ['BackendTLSPolicy', 'BackendTLSPolicySANValidation'];

export interface Profile {
  name: string;
  core: readonly string[];
  extended: readonly string[];
}

export const PROFILES: readonly Profile[] = [
  {
    name: 'GATEWAY-HTTP',
    core: ['Gateway', 'ReferenceGrant', 'HTTPRoute'],
    extended: [...GATEWAY_EXTENDED, ...HTTPROUTE_EXTENDED, ...BACKEND_TLS_POLICY],
  },
  {
    name: 'GATEWAY-TLS',
    core: ['Gateway', 'ReferenceGrant', 'TLSRoute'],
    extended: [...GATEWAY_EXTENDED, 'TLSRouteModeTerminate', 'TLSRouteModeMixed', ...BACKEND_TLS_POLICY],
  },
  { name: 'GATEWAY-TCP', core: ['Gateway', 'TCPRoute', 'ReferenceGrant'], extended: [...GATEWAY_EXTENDED] },
  { name: 'GATEWAY-UDP', core: ['Gateway', 'UDPRoute', 'ReferenceGrant'], extended: [...GATEWAY_EXTENDED] },
  {
    name: 'GATEWAY-GRPC',
    core: ['Gateway', 'ReferenceGrant', 'GRPCRoute'],
    extended: [...GATEWAY_EXTENDED, 'GRPCRouteNamedRouteRule', ...BACKEND_TLS_POLICY],
  },
];

export function profileByName(name: string): Profile | undefined {
  return PROFILES.find((p) => p.name === name);
}

/**
 * Whether a case counts in a profile's report. As in the official suite, a test counts in every profile whose
 * core and extended features cover all the test's features; the case's own `profile` always counts.
 */
export function caseInProfile(c: { profile: string; features: readonly string[] }, profile: Profile): boolean {
  if (c.profile === profile.name) return true;
  return c.features.every((f) => profile.core.includes(f) || profile.extended.includes(f));
}

/** A case is extended in a profile when it needs any feature that is not core there (isTestExtended). */
export function caseIsExtended(c: { features: readonly string[] }, profile: Profile): boolean {
  return c.features.some((f) => !profile.core.includes(f));
}
