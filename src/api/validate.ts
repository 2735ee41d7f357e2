// Validation of every object the source reads, as the API server would do it when the object is applied:
// the CRD schema for Gateway API kinds, the CRDs' CEL rules that matter for routing, and the API server's own
// checks for the core kinds. An object with any reason is rejected and left out of the snapshot.
import { earlyDraftHints, EARLY_DRAFT_API_VERSION } from './hints.ts';
import { configMapRules, endpointSliceRules, isDNS1123Label, isDNS1123Subdomain, secretRules, serviceRules } from './rules-core.ts';
import { gatewayRules } from './rules-gateway.ts';
import { httpRouteRules } from './rules-httproute.ts';
import { GATEWAY_API_KINDS, hasSchema, schemaReasons, servedVersions } from './schema.ts';

type Obj = Record<string, unknown>;

/** apiVersion of each core and discovery kind onramp reads. */
const CORE_API_VERSIONS: Record<string, string> = {
  Service: 'v1',
  Secret: 'v1',
  ConfigMap: 'v1',
  Namespace: 'v1',
  EndpointSlice: 'discovery.k8s.io/v1',
};

const CORE_RULES: Record<string, (o: Obj) => string[]> = {
  Service: serviceRules,
  Secret: secretRules,
  ConfigMap: configMapRules,
  EndpointSlice: endpointSliceRules,
  Namespace: () => [],
};

const CEL_RULES: Record<string, (o: Obj) => string[]> = {
  Gateway: gatewayRules,
  HTTPRoute: httpRouteRules,
};

/**
 * Every reason the object would be refused, as `field.path: what is wrong`; empty when it is valid.
 * Objects of kinds onramp does not read are not checked (the snapshot reports them as ignored).
 */
export function validateObject(object: Obj): string[] {
  const kind = String(object.kind);
  const apiVersion = String(object.apiVersion);
  const hints = earlyDraftHints(object);
  if (GATEWAY_API_KINDS.has(kind)) {
    const reasons = [...hints];
    if (!hasSchema(apiVersion, kind)) {
      if (!apiVersion.startsWith('networking.x-k8s.io/')) {
        reasons.push(
          `apiVersion ${apiVersion} does not serve kind ${kind} in Gateway API v1.6.1; use ${servedVersions(kind).join(' or ')}`,
        );
      }
      return reasons;
    }
    // The schema checks label and annotation types itself.
    reasons.push(...metadataReasons(object, kind, false));
    const schema = schemaReasons(object);
    reasons.push(...schema);
    // CEL runs on objects that match the schema, as in the API server; reporting both would say the same twice.
    if (schema.length === 0) reasons.push(...(CEL_RULES[kind]?.(object) ?? []));
    return reasons;
  }
  const core = CORE_API_VERSIONS[kind];
  if (core === undefined) return apiVersion === EARLY_DRAFT_API_VERSION ? hints : [];
  if (apiVersion !== core) return [`apiVersion ${apiVersion} does not serve kind ${kind}; use ${core}`];
  return [...metadataReasons(object, kind, true), ...CORE_RULES[kind](object)];
}

function metadataReasons(object: Obj, kind: string, checkMaps: boolean): string[] {
  const reasons: string[] = [];
  const metadata = object.metadata as Obj;
  const name = String(metadata.name);
  // Namespaces and Services are named by DNS labels; other kinds by DNS subdomains.
  if (kind === 'Namespace' || kind === 'Service') {
    if (!isDNS1123Label(name)) reasons.push(`metadata.name: Invalid value "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, and be at most 63 characters`);
  } else if (!isDNS1123Subdomain(name)) {
    reasons.push(`metadata.name: Invalid value "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
  }
  const namespace = metadata.namespace;
  if (namespace !== undefined && (typeof namespace !== 'string' || !isDNS1123Label(namespace))) {
    reasons.push(`metadata.namespace: Invalid value ${JSON.stringify(namespace)}: must be a lowercase RFC 1123 label`);
  }
  for (const field of checkMaps ? ['labels', 'annotations'] : []) {
    const m = metadata[field];
    if (m === undefined || m === null) continue;
    if (typeof m !== 'object' || Array.isArray(m)) {
      reasons.push(`metadata.${field}: Invalid value: must be a map of strings`);
      continue;
    }
    for (const [k, v] of Object.entries(m as Obj)) {
      if (typeof v !== 'string') reasons.push(`metadata.${field}[${JSON.stringify(k)}]: Invalid value ${JSON.stringify(v)}: must be of type string`);
    }
  }
  return reasons;
}
