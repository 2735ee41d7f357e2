// HTTPRoute status per parentRef (spec: RouteParentStatus): only for parents that are our Gateways, in
// spec.parentRefs order; Accepted from attachment and rule validity, ResolvedRefs from the references.
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
import type { CompiledRoute } from './httproute.ts';
import { GATEWAY_GROUP, type ListenerState } from './listeners.ts';
import type { ServedListener } from './routing.ts';
import type { RouteParentStatus } from './types.ts';
import { list } from './input.ts';

export function routeParents(
  compiled: CompiledRoute,
  gateways: ReadonlyMap<string, GatewayState>,
  labelsOf: (ns: string) => Record<string, string>,
  served: ReadonlyMap<string, ServedListener>,
  controllerName: string,
): RouteParentStatus[] {
  const route: HTTPRoute = compiled.route;
  const gen = route.metadata.generation ?? 1;
  const routeNamespace = route.metadata.namespace ?? 'default';
  const parents: RouteParentStatus[] = [];
  // Listeners this route is attached to so far: a listener selected by two parentRefs counts it once.
  const attachedTo: ListenerState[] = [];
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
        if (!attachedTo.includes(state)) {
          attachedTo.push(state);
          state.attachedRoutes++;
        }
        served.get(state.key)?.routes.push({ route: compiled, hostnames });
      }
    }
    parents.push({ parentRef: ref, controllerName, conditions });
  }
  return parents;
}
