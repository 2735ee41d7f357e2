// OpenAPI schema validation of the Gateway API kinds onramp reads, with the validators generated from the
// Gateway API CRDs by @kubernetes-models/gateway-api. Their errors (JSON pointers and keywords) are turned
// into reasons a user can act on: a field path as kubectl prints it and what is wrong there.
import { GatewayClass as GatewayClassV1 } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GatewayClass';
import { Gateway as GatewayV1 } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { HTTPRoute as HTTPRouteV1 } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { ReferenceGrant as ReferenceGrantV1 } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/ReferenceGrant';
import { GatewayClass as GatewayClassV1beta1 } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/GatewayClass';
import { Gateway as GatewayV1beta1 } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/Gateway';
import { HTTPRoute as HTTPRouteV1beta1 } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/HTTPRoute';
import { ReferenceGrant as ReferenceGrantV1beta1 } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/ReferenceGrant';
// The compiled schema checks behind those models, called directly on the parsed object: a model first copies
// the whole object (dropping undefined values, of which parsed YAML has none), which cost more than the check.
import { validate as checkGatewayClassV1 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1GatewayClass';
import { validate as checkGatewayV1 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1Gateway';
import { validate as checkHTTPRouteV1 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1HTTPRoute';
import { validate as checkReferenceGrantV1 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1ReferenceGrant';
import { validate as checkGatewayClassV1beta1 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1GatewayClass';
import { validate as checkGatewayV1beta1 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1Gateway';
import { validate as checkHTTPRouteV1beta1 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1HTTPRoute';
import { validate as checkReferenceGrantV1beta1 } from '@kubernetes-models/gateway-api/_schemas/IoK8sSigsGatewayApiApisV1beta1ReferenceGrant';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

type Validatable = new (data: unknown) => { validate(): void };

/** Validators by `apiVersion` then kind; every version the v1.6.1 CRDs serve. */
const MODELS: Record<string, Record<string, Validatable>> = {
  [`${GATEWAY_API_GROUP}/v1`]: {
    GatewayClass: GatewayClassV1 as unknown as Validatable,
    Gateway: GatewayV1 as unknown as Validatable,
    HTTPRoute: HTTPRouteV1 as unknown as Validatable,
    ReferenceGrant: ReferenceGrantV1 as unknown as Validatable,
  },
  [`${GATEWAY_API_GROUP}/v1beta1`]: {
    GatewayClass: GatewayClassV1beta1 as unknown as Validatable,
    Gateway: GatewayV1beta1 as unknown as Validatable,
    HTTPRoute: HTTPRouteV1beta1 as unknown as Validatable,
    ReferenceGrant: ReferenceGrantV1beta1 as unknown as Validatable,
  },
};

/** The same schemas as plain checks (true when the object conforms), by `apiVersion` then kind. */
const CHECKS: Record<string, Record<string, (data: unknown) => boolean>> = {
  [`${GATEWAY_API_GROUP}/v1`]: {
    GatewayClass: checkGatewayClassV1,
    Gateway: checkGatewayV1,
    HTTPRoute: checkHTTPRouteV1,
    ReferenceGrant: checkReferenceGrantV1,
  },
  [`${GATEWAY_API_GROUP}/v1beta1`]: {
    GatewayClass: checkGatewayClassV1beta1,
    Gateway: checkGatewayV1beta1,
    HTTPRoute: checkHTTPRouteV1beta1,
    ReferenceGrant: checkReferenceGrantV1beta1,
  },
};

/** The Gateway API kinds onramp validates against the CRD schemas. */
export const GATEWAY_API_KINDS: ReadonlySet<string> = new Set(Object.keys(MODELS[`${GATEWAY_API_GROUP}/v1`]));

/** The apiVersions under which a Gateway API kind is served, for messages. */
export function servedVersions(kind: string): string[] {
  return Object.keys(MODELS).filter((v) => MODELS[v][kind] !== undefined);
}

/** True when this apiVersion serves this kind (so that schemaReasons can check it). */
export function hasSchema(apiVersion: string, kind: string): boolean {
  return MODELS[apiVersion]?.[kind] !== undefined;
}

interface SchemaError {
  instancePath?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** The reasons an object breaks its CRD's OpenAPI schema; empty when it conforms. */
export function schemaReasons(object: Record<string, unknown>): string[] {
  const model = MODELS[String(object.apiVersion)]?.[String(object.kind)];
  if (!model) return [];
  // Most objects conform: the direct check says so cheaply. The model's own validation, which words its
  // errors, runs only for those that do not.
  if (CHECKS[String(object.apiVersion)]?.[String(object.kind)]?.(object) === true) return [];
  try {
    new model(object).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [`schema validation failed: ${(err as Error).message}`];
    const reasons = new Set<string>();
    for (const e of errors as SchemaError[]) reasons.add(formatSchemaError(e, object));
    return [...reasons];
  }
}

/** `/spec/rules/0/matches` → `spec.rules[0].matches`, the way kubectl names fields. */
export function fieldPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? '(object)' : out;
}

function valueAt(object: unknown, pointer: string): unknown {
  let cur = object;
  for (const raw of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function formatSchemaError(e: SchemaError, object: unknown): string {
  const pointer = e.instancePath ?? '';
  const at = fieldPath(pointer);
  const params = e.params ?? {};
  switch (e.keyword) {
    case 'required': {
      const field = String(params.missingProperty);
      return `${at === '(object)' ? field : `${at}.${field}`}: Required value`;
    }
    case 'enum':
      return `${at}: Unsupported value ${show(valueAt(object, pointer))}: supported values: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${at}: Invalid value ${show(valueAt(object, pointer))}: must be of type ${String(params.type)}`;
    case 'pattern':
      return `${at}: Invalid value ${show(valueAt(object, pointer))}: should match '${String(params.pattern)}'`;
    case 'maxLength':
      return `${at}: Too long: may not be longer than ${String(params.limit)}`;
    case 'minLength':
      return `${at}: Invalid value ${show(valueAt(object, pointer))}: should be at least ${String(params.limit)} chars long`;
    case 'maxItems':
      return `${at}: Too many: must have at most ${String(params.limit)} items`;
    case 'minItems':
      return `${at}: Invalid value: must have at least ${String(params.limit)} items`;
    case 'maximum':
    case 'minimum':
      return `${at}: Invalid value ${show(valueAt(object, pointer))}: ${e.message ?? 'out of range'}`;
    default:
      return `${at}: ${e.message ?? e.keyword ?? 'invalid'}`;
  }
}
