// GatewayClass: which classes are ours and their status (spec: gatewayclass_types.go).
import type { GatewayClass, Snapshot } from '../api/types.ts';
import { GATEWAY_API_VERSION, SUPPORTED_FEATURES } from '../features.ts';
import { classAccepted, classInvalidParameters, classSupportedVersion } from './conditions.ts';
import type { GatewayClassStatus } from './types.ts';

export interface ClassState {
  cls: GatewayClass;
  accepted: boolean;
  status: GatewayClassStatus;
}

/**
 * The parametersRef kinds onramp can resolve: a core ConfigMap (namespaced, so the ref must name a
 * namespace). Spec: "If the referent cannot be found, refers to an unsupported kind, or when the data within
 * that resource is malformed, the GatewayClass SHOULD be rejected with ... InvalidParameters".
 */
function parametersProblem(cls: GatewayClass, snapshot: Snapshot): string | null {
  const ref = cls.spec?.parametersRef;
  if (!ref) return null;
  if ((ref.group ?? '') !== '' || ref.kind !== 'ConfigMap') {
    return `parametersRef kind ${ref.group ? `${ref.group}/` : ''}${ref.kind} is not supported; only ConfigMap`;
  }
  if (!ref.namespace) return 'parametersRef to a ConfigMap must name its namespace';
  const found = snapshot.configMaps.some(
    (c) => c.metadata.name === ref.name && (c.metadata.namespace ?? 'default') === ref.namespace,
  );
  return found ? null : `parametersRef ConfigMap ${ref.namespace}/${ref.name} not found`;
}

/** The classes naming our controller, by name. Others get no status at all (spec: status is the owner's). */
export function ourClasses(snapshot: Snapshot, controllerName: string): Map<string, ClassState> {
  const out = new Map<string, ClassState>();
  for (const cls of snapshot.gatewayClasses) {
    if (cls.spec?.controllerName !== controllerName) continue;
    const gen = cls.metadata.generation ?? 1;
    const paramsProblem = parametersProblem(cls, snapshot);
    const accepted = paramsProblem === null;
    const conditions = [
      accepted ? classAccepted(gen) : classInvalidParameters(paramsProblem, gen),
      // Spec (GatewayClassConditionStatusSupportedVersion): True when the installed CRDs are a version the
      // controller supports. onramp reads the v1.6.1 schemas only, so the version is always the supported one.
      classSupportedVersion(GATEWAY_API_VERSION, gen),
    ];
    // Spec (GatewayClassStatus.supportedFeatures): "It MUST be sorted in ascending alphabetical order".
    const supportedFeatures = [...SUPPORTED_FEATURES].sort().map((name) => ({ name }));
    out.set(cls.metadata.name, { cls, accepted, status: { conditions, supportedFeatures } });
  }
  return out;
}
