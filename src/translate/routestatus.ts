// HTTPRoute status per parentRef (spec: RouteParentStatus): only for parents that are our Gateways, in
// spec.parentRefs order; Accepted from attachment and rule validity, ResolvedRefs from the references.
//
// Working out a route's parents is pure (routeParents); counting the route on its listeners and handing it
// to the listeners that serve it is a separate step (attachRoute), so that the first can be kept across
// translate calls (parents-cache.ts) while the second runs on each call's own listener states.
import type { HTTPRoute } from '../api/types.ts';
import { attach, normalizeParentRef } from './attachment.ts';
import {
  routeAccepted,
  routeNotAccepted,
  routePartiallyInvalid,
  routeResolvedRefs,
  routeUnresolvedRefs,
} from './conditions.ts';
import type { GatewayState } from './gateway.ts';
import { exact, type CompiledRoute } from './httproute.ts';
import { GATEWAY_GROUP, type ListenerState } from './listeners.ts';
import type { ServedListener } from './routing.ts';
import type { RouteParentStatus } from './types.ts';
import { list } from './input.ts';

/** One listener a route is attached to through one parentRef: by Gateway key and listener position. */
export interface ListenerAttachment {
  gateway: string;
  /** Index into the Gateway's listeners (GatewayState.listeners). */
  listener: number;
  /** The hostnames the route serves on this listener. */
  hostnames: string[];
  /** What the listener serves for it (made once: kept with the parents, handed to every call's listeners). */
  served: ServedListener['routes'][number];
}

/** What a route's parentRefs give: its status parents and the listeners it is attached to (Accepted True). */
export interface RouteParents {
  parents: RouteParentStatus[];
  /** In parentRef order; a listener selected by two parentRefs appears twice. */
  attached: ListenerAttachment[];
}

/** The `namespace/name` of each parentRef that names a Gateway (others are not ours to report on). */
export function parentGatewayKeys(route: HTTPRoute): string[] {
  const routeNamespace = route.metadata.namespace ?? 'default';
  const keys: string[] = [];
  for (const raw of list(route.spec?.parentRefs)) {
    const ref = normalizeParentRef(raw, routeNamespace);
    if (ref.group === GATEWAY_GROUP && ref.kind === 'Gateway') keys.push(`${ref.namespace}/${ref.name}`);
  }
  return exact(keys);
}

/** The parents of one route. Pure: reads the route, the Gateways' listeners and namespace labels only. */
export function routeParents(
  compiled: CompiledRoute,
  gateways: ReadonlyMap<string, GatewayState>,
  labelsOf: (ns: string) => Record<string, string>,
  controllerName: string,
): RouteParents {
  const route: HTTPRoute = compiled.route;
  const gen = route.metadata.generation ?? 1;
  const routeNamespace = route.metadata.namespace ?? 'default';
  const parents: RouteParentStatus[] = [];
  const attached: ListenerAttachment[] = [];
  for (const raw of list(route.spec?.parentRefs)) {
    const ref = normalizeParentRef(raw, routeNamespace);
    // Spec (RouteStatus.parents): "parent references that cannot be resolved by an implementation of this
    // API will not be added to this list": other kinds, unknown Gateways, Gateways of other controllers.
    if (ref.group !== GATEWAY_GROUP || ref.kind !== 'Gateway') continue;
    const gw = gateways.get(`${ref.namespace}/${ref.name}`);
    if (!gw) continue;
    const attachment = attach(route, ref, gw.listeners, labelsOf);
    const allRulesInvalid = compiled.rules.length === 0 && compiled.invalidRules.length > 0;
    const conditions = [];
    if (attachment.problem) conditions.push(routeNotAccepted(attachment.problem, gen));
    // Spec: "A Route MUST be considered Accepted if at least one of the Route's rules is implemented".
    else if (allRulesInvalid) conditions.push(routeNotAccepted(compiled.invalidRules[0].problem, gen));
    else conditions.push(routeAccepted(gen));
    conditions.push(compiled.unresolved ? routeUnresolvedRefs(compiled.unresolved, gen) : routeResolvedRefs(gen));
    if (!attachment.problem && !allRulesInvalid && compiled.invalidRules.length > 0) {
      // Spec (HTTPRouteRule.filters): "If only a portion of Route Rules are invalid, implementations MUST set
      // the PartiallyInvalid condition".
      const which = compiled.invalidRules.map((r) => `rule ${r.ruleIndex}: ${r.problem.message}`).join('; ');
      conditions.push(routePartiallyInvalid(`dropped ${which}`, gen));
    }
    if (conditions[0].status === 'True') {
      for (const { state, hostnames } of attachment.listeners) {
        attached.push({ gateway: gw.key, listener: gw.listeners.indexOf(state), hostnames, served: { route: compiled, hostnames } });
      }
    }
    parents.push({ parentRef: ref, controllerName, conditions: exact(conditions) });
  }
  // Kept as long as the route is unchanged (parents-cache.ts): without the spare room of arrays grown by push.
  return { parents: exact(parents), attached: exact(attached) };
}

/**
 * Counts the route once on each listener it is attached to (spec: ListenerStatus.attachedRoutes) and gives
 * it to the served listeners among them, with the hostnames it serves there.
 */
export function attachRoute(
  attached: readonly ListenerAttachment[],
  gateways: ReadonlyMap<string, GatewayState>,
  served: ReadonlyMap<string, ServedListener>,
): void {
  if (attached.length === 1) {
    // Most routes: one listener, nothing to count twice.
    const state = gateways.get(attached[0].gateway)?.listeners[attached[0].listener];
    if (!state) return;
    state.attachedRoutes++;
    served.get(state.key)?.routes.push(attached[0].served);
    return;
  }
  // A listener selected by two parentRefs counts the route once.
  const counted: ListenerState[] = [];
  for (const a of attached) {
    const state = gateways.get(a.gateway)?.listeners[a.listener];
    if (!state) continue;
    if (!counted.includes(state)) {
      counted.push(state);
      state.attachedRoutes++;
    }
    served.get(state.key)?.routes.push(a.served);
  }
}
