// translate(snapshot) → { config, statuses }: every Gateway API decision, as a pure function. No I/O, no
// clock, no randomness; the snapshot is never mutated (all working state is translate's own).
//
// Results equal those of a translate that reuses nothing, but unchanged parts are the very same objects as
// in the previous call's result, which the data plane and the status store rely on to redo only what changed.
// "The same input object" below means the same object or a copy differing only in origin (cache.ts sameObject):
// - a route's rules (RouteRuleConfig, with their matches, filters, actions and backends) while the route and
//   what it looked up in the backend index (its Services and their EndpointSlices, the ReferenceGrants) are;
// - a VirtualHostConfig while its rules are the same objects in the same order; a listener's virtualHosts
//   array, ListenerConfig, PortConfig, CertificateConfig and the Config itself likewise, level by level;
// - an HTTPRoute's status object while the route, the listener fields of the Gateways it names that
//   attachment reads, and the Namespaces are. Gateway and GatewayClass statuses are new on every call.
import type { Gateway, HTTPRoute, Snapshot } from '../api/types.ts';
import { problem, Reason } from './conditions.ts';
import { namespaceLabels } from './attachment.ts';
import { indexSecrets } from './certificates.ts';
import { markConflicts } from './conflicts.ts';
import { evaluateGateway, gatewayBindable, gatewayStatus, servedListeners, type GatewayState } from './gateway.ts';
import { ourClasses } from './gatewayclass.ts';
import { cachedBackendIndex, cachedCompileRoute, sameObject } from './cache.ts';
import type { CompiledRoute } from './httproute.ts';
import { timestampOf } from './precedence.ts';
import { buildConfig, type ServedListener } from './routing.ts';
import { cachedRouteParents, gatewayTokens, namespacesToken, type ParentsContext } from './parents-cache.ts';
import { keepSlots, newSlots, previousSlots } from './route-slots.ts';
import { attachRoute } from './routestatus.ts';
import type { ObjectStatus, TranslateOptions, TranslateResult } from './types.ts';

export { addressPool, assignAddresses } from './addresses.ts';

/**
 * Runs one object's translation; if it throws on input nobody foresaw, that object alone gets `fallback`
 * (a status saying so) and every other object is still translated.
 */
function guarded<T>(run: () => T, fallback: (err: unknown) => T): T {
  try {
    return run();
  } catch (err) {
    return fallback(err);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function untranslatableGateway(g: Gateway, err: unknown): GatewayState {
  return {
    gateway: g,
    key: `${g.metadata.namespace ?? 'default'}/${g.metadata.name}`,
    generation: g.metadata.generation ?? 1,
    notAccepted: problem(Reason.Invalid, `Gateway could not be translated: ${errorText(err)}`),
    addresses: { addresses: [], unsupported: null, notProgrammed: null },
    listeners: [],
  };
}

function untranslatableRoute(route: HTTPRoute, err: unknown): CompiledRoute {
  return {
    route,
    key: `${route.metadata.namespace ?? 'default'}/${route.metadata.name}`,
    rules: [],
    invalidRules: [{ ruleIndex: 0, problem: problem(Reason.UnsupportedValue, `route could not be translated: ${errorText(err)}`) }],
    unresolved: null,
  };
}

function compareStatus(a: ObjectStatus, b: ObjectStatus): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  const na = a.namespace ?? '';
  const nb = b.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

export function translate(snapshot: Snapshot, options: TranslateOptions): TranslateResult {
  const statuses: ObjectStatus[] = [];
  const classes = ourClasses(snapshot, options.controllerName);
  for (const { cls, status } of classes.values()) {
    statuses.push({ apiVersion: cls.apiVersion, kind: 'GatewayClass', name: cls.metadata.name, generation: cls.metadata.generation ?? 1, status });
  }

  // Gateways of our classes; Gateways of other classes (or of no known class) are someone else's.
  const secrets = indexSecrets(snapshot.secrets);
  const context = {
    secrets,
    grants: snapshot.referenceGrants,
    configMaps: snapshot.configMaps,
    localAddresses: options.localAddresses ?? [],
  };
  const gateways = new Map<string, GatewayState>();
  for (const g of snapshot.gateways) {
    const cls = classes.get(g.spec?.gatewayClassName);
    if (!cls) continue;
    const key = `${g.metadata.namespace ?? 'default'}/${g.metadata.name}`;
    gateways.set(key, guarded(() => evaluateGateway(g, cls.accepted, options.addresses[key], context), (err) => untranslatableGateway(g, err)));
  }
  markConflicts(
    [...gateways.values()].map((s) => ({
      key: s.key,
      creationTimestamp: timestampOf(s.gateway.metadata.creationTimestamp),
      addresses: gatewayBindable(s) ? s.addresses.addresses : [],
      listeners: s.listeners,
    })),
  );

  const served = new Map<string, ServedListener>();
  for (const s of gateways.values()) {
    for (const l of servedListeners(s)) served.set(l.key, { state: l, addresses: s.addresses.addresses, routes: [] });
  }

  const backends = cachedBackendIndex(snapshot.services, snapshot.endpointSlices, snapshot.referenceGrants);
  const parentsContext: ParentsContext = {
    gateways,
    tokens: gatewayTokens(gateways),
    namespaces: namespacesToken(snapshot.namespaces),
    labelsOf: namespaceLabels(snapshot.namespaces),
    controllerName: options.controllerName,
  };
  const routes = snapshot.httpRoutes;
  const previous = previousSlots(backends, parentsContext);
  const slots = newSlots(routes.length, backends, parentsContext);
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i];
    const same = previous.slots !== null && sameObject(previous.slots.routes[i], route);
    const compiled =
      same && previous.compiled
        ? previous.slots!.compiled[i]
        : guarded(() => cachedCompileRoute(route, backends), (err) => untranslatableRoute(route, err));
    const parents =
      same && previous.parents ? previous.slots!.parents[i] : guarded(() => cachedRouteParents(compiled, parentsContext), () => null);
    slots.routes[i] = route;
    slots.compiled[i] = compiled;
    slots.parents[i] = parents;
    if (!parents?.status) continue;
    attachRoute(parents.parents.attached, gateways, served);
    statuses.push(parents.status);
  }
  keepSlots(slots);

  // Gateway status last: attachedRoutes counts the routes attached above.
  const programmed = new Set<string>();
  for (const s of gateways.values()) {
    const status = gatewayStatus(s);
    if (status.conditions.some((c) => c.type === 'Programmed' && c.status === 'True')) programmed.add(s.key);
    statuses.push({
      apiVersion: s.gateway.apiVersion,
      kind: 'Gateway',
      name: s.gateway.metadata.name,
      namespace: s.gateway.metadata.namespace ?? 'default',
      generation: s.generation,
      status,
    });
  }

  const config = buildConfig([...served.values()].filter((s) => programmed.has(s.state.gatewayKey)));
  return { config, statuses: statuses.sort(compareStatus) };
}
