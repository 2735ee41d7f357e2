// Fields from early drafts of Gateway API (v1alpha1, 2020-2021) that blog posts and old tutorials still show.
// The API server would drop them silently (unknown fields) and the route would do nothing; onramp rejects the
// object instead and names the v1 field that replaced each one.

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => obj(x) ?? {}) : []);

export const EARLY_DRAFT_API_VERSION = 'networking.x-k8s.io/v1alpha1';

/** Reasons naming the v1 replacement of every early-draft field in the object; empty when there is none. */
export function earlyDraftHints(object: Obj): string[] {
  const hints: string[] = [];
  if (typeof object.apiVersion === 'string' && object.apiVersion.startsWith('networking.x-k8s.io/')) {
    hints.push(`apiVersion ${object.apiVersion} is an early draft of Gateway API; use gateway.networking.k8s.io/v1`);
  }
  const spec = obj(object.spec);
  if (!spec) return hints;
  switch (object.kind) {
    case 'GatewayClass':
      if (spec.controller !== undefined) hints.push('spec.controller is from an early draft of Gateway API; use spec.controllerName');
      break;
    case 'Gateway':
      list(spec.listeners).forEach((l, i) => {
        if (l.routes !== undefined) {
          hints.push(
            `spec.listeners[${i}].routes is from an early draft of Gateway API; routes attach by their own spec.parentRefs ` +
              '(use spec.listeners[].allowedRoutes to limit which routes may attach)',
          );
        }
      });
      break;
    case 'HTTPRoute':
      if (spec.gateways !== undefined) hints.push('spec.gateways is from an early draft of Gateway API; use spec.parentRefs');
      list(spec.rules).forEach((rule, i) => {
        // Nearly every route is current: look for the draft fields before building anything.
        if (rule.forwardTo === undefined && rule.action === undefined && !hasServiceName(rule.backendRefs)) return;
        const at = `spec.rules[${i}]`;
        if (rule.forwardTo !== undefined) hints.push(`${at}.forwardTo is from an early draft of Gateway API; use ${at}.backendRefs`);
        const action = obj(rule.action);
        if (action?.forwardTo !== undefined) hints.push(`${at}.action.forwardTo is from an early draft of Gateway API; use ${at}.backendRefs`);
        const refs = [
          ...list(rule.forwardTo).map((r, j) => [`${at}.forwardTo[${j}]`, r] as const),
          ...list(action?.forwardTo).map((r, j) => [`${at}.action.forwardTo[${j}]`, r] as const),
          ...list(rule.backendRefs).map((r, j) => [`${at}.backendRefs[${j}]`, r] as const),
        ];
        for (const [where, ref] of refs) {
          if (ref.serviceName !== undefined) {
            hints.push(`${where}.serviceName is from an early draft of Gateway API; use ${at}.backendRefs[].name and port`);
          }
        }
      });
      break;
  }
  return hints;
}

function hasServiceName(refs: unknown): boolean {
  return Array.isArray(refs) && refs.some((r) => obj(r)?.serviceName !== undefined);
}
