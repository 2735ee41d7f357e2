// One Gateway of ours: what it asks for (addresses, parameters, listeners) and the status that follows
// (spec: GatewayStatus, ListenerStatus; condition reasons from gateway_types.go).
import type { ConfigMap, Gateway, ReferenceGrant } from '../api/types.ts';
import { resolveGatewayAddresses, type GatewayAddresses } from './addresses.ts';
import type { SecretIndex } from './certificates.ts';
import {
  gatewayAccepted,
  gatewayListenersNotValid,
  gatewayNotAccepted,
  gatewayNotProgrammed,
  gatewayProgrammed,
  listenerAccepted,
  listenerConflicted,
  listenerNoConflicts,
  listenerNotAccepted,
  listenerNotProgrammed,
  listenerProgrammed,
  listenerResolvedRefs,
  listenerUnresolvedRefs,
  problem,
  Reason,
  type Problem,
} from './conditions.ts';
import { listenerServable, validateListener, type ListenerState } from './listeners.ts';
import type { GatewayStatus, StatusCondition } from './types.ts';
import { list } from './input.ts';

export interface GatewayState {
  gateway: Gateway;
  /** `namespace/name`. */
  key: string;
  generation: number;
  /** Accepted False with this problem before listeners are looked at (class, parameters, addresses). */
  notAccepted: Problem | null;
  addresses: GatewayAddresses;
  listeners: ListenerState[];
}

/**
 * Spec (GatewayInfrastructure.parametersRef): "If the referent cannot be found, refers to an unsupported
 * kind, or when the data within that resource is malformed, the Gateway SHOULD be rejected with the
 * Accepted status condition set to False and an InvalidParameters reason". onramp reads a core ConfigMap in
 * the Gateway's namespace.
 */
function parametersProblem(g: Gateway, configMaps: readonly ConfigMap[]): Problem | null {
  const ref = g.spec?.infrastructure?.parametersRef as { group?: string; kind?: string; name?: string } | undefined;
  if (!ref) return null;
  if ((ref.group ?? '') !== '' || ref.kind !== 'ConfigMap') {
    return problem(Reason.InvalidParameters, `infrastructure.parametersRef kind ${ref.group ? `${ref.group}/` : ''}${String(ref.kind)} is not supported; only ConfigMap`);
  }
  const ns = g.metadata.namespace ?? 'default';
  const found = configMaps.some((c) => c.metadata.name === ref.name && (c.metadata.namespace ?? 'default') === ns);
  return found ? null : problem(Reason.InvalidParameters, `infrastructure.parametersRef ConfigMap ${ns}/${String(ref.name)} not found`);
}

export function evaluateGateway(
  g: Gateway,
  classAccepted: boolean,
  assigned: string | undefined,
  context: { secrets: SecretIndex; grants: readonly ReferenceGrant[]; configMaps: readonly ConfigMap[]; localAddresses: readonly string[] },
): GatewayState {
  const key = `${g.metadata.namespace ?? 'default'}/${g.metadata.name}`;
  const addresses = resolveGatewayAddresses(g, assigned, context.localAddresses);
  const notAccepted = !classAccepted
    ? problem(Reason.Invalid, `GatewayClass ${g.spec?.gatewayClassName} is not accepted`)
    : (parametersProblem(g, context.configMaps) ?? addresses.unsupported);
  return {
    gateway: g,
    key,
    generation: g.metadata.generation ?? 1,
    notAccepted,
    addresses,
    listeners: list(g.spec?.listeners)
      // The schema requires a name; a listener without one cannot have a status entry and is left out.
      .filter((l) => typeof l.name === 'string')
      .map((l) => validateListener(g, l, context.secrets, context.grants)),
  };
}

/** True when the Gateway can take sockets: accepted for itself and with an address to bind. */
export function gatewayBindable(s: GatewayState): boolean {
  return s.notAccepted === null && s.addresses.notProgrammed === null && s.addresses.addresses.length > 0;
}

/** The listeners that go to the data plane. Spec: none when the Gateway itself is not accepted. */
export function servedListeners(s: GatewayState): ListenerState[] {
  if (!gatewayBindable(s)) return [];
  return s.listeners.filter(listenerServable);
}

function listenerAcceptedNow(l: ListenerState): boolean {
  return l.notAccepted === null && l.conflicted === null;
}

function gatewayConditions(s: GatewayState, served: number): StatusCondition[] {
  const gen = s.generation;
  const invalid = s.listeners.filter((l) => !listenerAcceptedNow(l) || l.unresolvedRefs !== null);
  const acceptedCount = s.listeners.filter(listenerAcceptedNow).length;
  let accepted: StatusCondition;
  if (s.notAccepted) accepted = gatewayNotAccepted(s.notAccepted, gen);
  else if (acceptedCount === 0) {
    // Spec (GatewayReasonListenersNotValid): False when no listener can be accepted.
    accepted = gatewayListenersNotValid(false, `no listener is valid: ${invalid.map((l) => l.listener.name).join(', ')}`, gen);
  } else if (invalid.length > 0) {
    accepted = gatewayListenersNotValid(true, `listeners not valid: ${invalid.map((l) => l.listener.name).join(', ')}`, gen);
  } else accepted = gatewayAccepted(gen);

  let programmed: StatusCondition;
  if (accepted.status === 'False') programmed = gatewayNotProgrammed(problem(Reason.Invalid, 'Gateway is not accepted'), gen);
  else if (s.addresses.notProgrammed) programmed = gatewayNotProgrammed(s.addresses.notProgrammed, gen);
  else if (served === 0) programmed = gatewayNotProgrammed(problem(Reason.Invalid, 'no listener can be programmed'), gen);
  else programmed = gatewayProgrammed(gen);
  return [accepted, programmed];
}

function listenerConditions(l: ListenerState, gatewayServes: boolean, gen: number): StatusCondition[] {
  const accepted = l.notAccepted
    ? listenerNotAccepted(l.notAccepted, gen)
    : l.conflicted
      ? listenerNotAccepted(l.conflicted, gen)
      : listenerAccepted(gen);
  let programmed: StatusCondition;
  if (l.notAccepted) programmed = listenerNotProgrammed(problem(Reason.Invalid, l.notAccepted.message), gen);
  // Conformance (ListenerSet*Conflict cases): a conflicted listener is Programmed False with the conflict reason.
  else if (l.conflicted) programmed = listenerNotProgrammed(l.conflicted, gen);
  else if (!listenerServable(l)) programmed = listenerNotProgrammed(problem(Reason.Invalid, 'listener has no usable certificate'), gen);
  else if (!gatewayServes) programmed = listenerNotProgrammed(problem(Reason.Invalid, 'Gateway is not programmed'), gen);
  else programmed = listenerProgrammed(gen);
  return [
    accepted,
    programmed,
    l.unresolvedRefs ? listenerUnresolvedRefs(l.unresolvedRefs, gen) : listenerResolvedRefs(gen),
    l.conflicted ? listenerConflicted(l.conflicted, gen) : listenerNoConflicts(gen),
  ];
}

export function gatewayStatus(s: GatewayState): GatewayStatus {
  const served = servedListeners(s);
  const conditions = gatewayConditions(s, served.length);
  const programmed = conditions[1].status === 'True';
  return {
    // Spec (GatewayStatus.addresses): the addresses bound; none while nothing is bound.
    addresses: programmed ? s.addresses.addresses.map((value) => ({ type: 'IPAddress', value })) : [],
    conditions,
    listeners: s.listeners.map((l) => ({
      name: l.listener.name,
      supportedKinds: l.supportedKinds.map((k) => ({ ...k })),
      attachedRoutes: l.attachedRoutes,
      conditions: listenerConditions(l, programmed, s.generation),
    })),
  };
}
