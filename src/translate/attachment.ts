// Route attachment (spec: ParentReference, AllowedRoutes, and the route hostname rules): which listeners of
// a Gateway a parentRef selects, which of those let the route in, and why not when none does.
import type { HTTPRoute, LabelSelector, Namespace, ParentReference } from '../api/types.ts';
import { problem, Reason, type Problem } from './conditions.ts';
import { intersectHostnames } from './hostnames.ts';
import { GATEWAY_GROUP, type ListenerState } from './listeners.ts';
import { list, strings } from './input.ts';

/** The parentRef as written in route status: group, kind and namespace always set (CASES.md conventions). */
export function normalizeParentRef(ref: ParentReference, routeNamespace: string): ParentReference {
  const out: ParentReference = {
    group: ref.group ?? GATEWAY_GROUP,
    kind: ref.kind ?? 'Gateway',
    namespace: ref.namespace ?? routeNamespace,
    name: ref.name,
  };
  if (ref.sectionName !== undefined && ref.sectionName !== '') out.sectionName = ref.sectionName;
  if (ref.port !== undefined) out.port = ref.port;
  return out;
}

export function namespaceLabels(namespaces: readonly Namespace[]): (name: string) => Record<string, string> {
  const byName = new Map(namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  // Kubernetes sets kubernetes.io/metadata.name on every Namespace; a namespace not in the snapshot still has it.
  return (name) => ({ ...(byName.get(name) ?? {}), 'kubernetes.io/metadata.name': name });
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of list(selector.matchExpressions)) {
    const has = Object.hasOwn(labels, e.key);
    const values = strings(e.values);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        // An operator the schema does not know selects nothing rather than everything.
        return false;
    }
  }
  return true;
}

/** Spec (AllowedRoutes.namespaces.from): Same by default; All; Selector by namespace labels; None. */
function namespaceAllowed(l: ListenerState, routeNamespace: string, labelsOf: (ns: string) => Record<string, string>): boolean {
  const from = l.listener.allowedRoutes?.namespaces?.from ?? 'Same';
  switch (from) {
    case 'All':
      return true;
    case 'Same':
      return routeNamespace === (l.gateway.metadata.namespace ?? 'default');
    case 'Selector':
      return selectorMatches(l.listener.allowedRoutes?.namespaces?.selector, labelsOf(routeNamespace));
    default:
      return false;
  }
}

function kindAllowed(l: ListenerState, kind: string): boolean {
  return l.supportedKinds.some((k) => (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === kind);
}

export interface Attachment {
  /** Listeners the route attaches to through this parentRef, each with the hostnames it serves there. */
  listeners: { state: ListenerState; hostnames: string[] }[];
  /** Accepted False with this problem when no listener takes the route. */
  problem: Problem | null;
}

/**
 * Spec (ParentReference.sectionName/port): the parentRef selects the listeners with that name and port; the
 * route is attached when at least one selected listener allows its kind and namespace and shares a
 * hostname with it. Reasons when none does, in the order they are checked: NoMatchingParent,
 * NotAllowedByListeners, NoMatchingListenerHostname.
 */
export function attach(
  route: HTTPRoute,
  ref: ParentReference,
  listeners: readonly ListenerState[],
  labelsOf: (ns: string) => Record<string, string>,
): Attachment {
  const routeNamespace = route.metadata.namespace ?? 'default';
  const selected = listeners.filter(
    (l) =>
      (ref.sectionName === undefined || ref.sectionName === '' || l.listener.name === ref.sectionName) &&
      (ref.port === undefined || l.listener.port === ref.port),
  );
  if (selected.length === 0) {
    const what = [ref.sectionName ? `name ${ref.sectionName}` : '', ref.port !== undefined ? `port ${ref.port}` : '']
      .filter(Boolean)
      .join(' and ');
    return { listeners: [], problem: problem(Reason.NoMatchingParent, `Gateway has no listener with ${what || 'any name'}`) };
  }
  const kindOk = selected.filter((l) => kindAllowed(l, route.kind));
  if (kindOk.length === 0) {
    return {
      listeners: [],
      problem: problem(Reason.NotAllowedByListeners, `no selected listener supports the route kind ${route.kind}`),
    };
  }
  const allowed = kindOk.filter((l) => namespaceAllowed(l, routeNamespace, labelsOf));
  if (allowed.length === 0) {
    return {
      listeners: [],
      problem: problem(Reason.NotAllowedByListeners, `no selected listener allows routes from namespace ${routeNamespace}`),
    };
  }
  const out: Attachment['listeners'] = [];
  for (const state of allowed) {
    const hostnames = intersectHostnames(state.hostname, strings(route.spec?.hostnames));
    if (hostnames.length > 0) out.push({ state, hostnames });
  }
  if (out.length === 0) {
    return {
      listeners: [],
      problem: problem(Reason.NoMatchingListenerHostname, 'no listener hostname intersects the route hostnames'),
    };
  }
  return { listeners: out, problem: null };
}
