// Status conditions as data: the spec's condition types and reasons as constants (gateway_types.go,
// gatewayclass_types.go, shared_types.go of Gateway API v1.6.1), and one named constructor per situation so
// that every problem a user can cause reads the same wherever it is raised.
import type { StatusCondition } from './types.ts';

export const ConditionType = {
  Accepted: 'Accepted',
  Programmed: 'Programmed',
  ResolvedRefs: 'ResolvedRefs',
  Conflicted: 'Conflicted',
  SupportedVersion: 'SupportedVersion',
  PartiallyInvalid: 'PartiallyInvalid',
} as const;

export const Reason = {
  // Shared.
  Accepted: 'Accepted',
  Programmed: 'Programmed',
  ResolvedRefs: 'ResolvedRefs',
  Invalid: 'Invalid',
  Pending: 'Pending',
  // GatewayClass.
  InvalidParameters: 'InvalidParameters',
  SupportedVersion: 'SupportedVersion',
  UnsupportedVersion: 'UnsupportedVersion',
  // Gateway.
  ListenersNotValid: 'ListenersNotValid',
  UnsupportedAddress: 'UnsupportedAddress',
  AddressNotAssigned: 'AddressNotAssigned',
  AddressNotUsable: 'AddressNotUsable',
  // Listener.
  PortUnavailable: 'PortUnavailable',
  UnsupportedProtocol: 'UnsupportedProtocol',
  HostnameConflict: 'HostnameConflict',
  ProtocolConflict: 'ProtocolConflict',
  NoConflicts: 'NoConflicts',
  InvalidCertificateRef: 'InvalidCertificateRef',
  InvalidRouteKinds: 'InvalidRouteKinds',
  RefNotPermitted: 'RefNotPermitted',
  NoValidCACertificate: 'NoValidCACertificate',
  // Route.
  NotAllowedByListeners: 'NotAllowedByListeners',
  NoMatchingListenerHostname: 'NoMatchingListenerHostname',
  NoMatchingParent: 'NoMatchingParent',
  UnsupportedValue: 'UnsupportedValue',
  IncompatibleFilters: 'IncompatibleFilters',
  BackendNotFound: 'BackendNotFound',
  InvalidKind: 'InvalidKind',
} as const;

export type ReasonName = (typeof Reason)[keyof typeof Reason];

/** A condition without its generation: translate stamps observedGeneration when it writes the status. */
export interface Problem {
  reason: ReasonName;
  message: string;
}

export function condition(
  type: string,
  status: boolean,
  reason: string,
  message: string,
  observedGeneration: number,
): StatusCondition {
  return { type, status: status ? 'True' : 'False', reason, message, observedGeneration };
}

// ------------------------------------------------------------------ GatewayClass

export function classAccepted(gen: number): StatusCondition {
  return condition(ConditionType.Accepted, true, Reason.Accepted, 'GatewayClass is accepted by onramp', gen);
}

export function classInvalidParameters(message: string, gen: number): StatusCondition {
  return condition(ConditionType.Accepted, false, Reason.InvalidParameters, message, gen);
}

export function classSupportedVersion(version: string, gen: number): StatusCondition {
  return condition(
    ConditionType.SupportedVersion,
    true,
    Reason.SupportedVersion,
    `onramp implements Gateway API ${version}`,
    gen,
  );
}

// ------------------------------------------------------------------ Gateway

export function gatewayAccepted(gen: number): StatusCondition {
  return condition(ConditionType.Accepted, true, Reason.Accepted, 'Gateway is accepted', gen);
}

export function gatewayNotAccepted(problem: Problem, gen: number): StatusCondition {
  return condition(ConditionType.Accepted, false, problem.reason, problem.message, gen);
}

/** Spec (GatewayReasonListenersNotValid): True when some listeners are valid, False when none is. */
export function gatewayListenersNotValid(accepted: boolean, message: string, gen: number): StatusCondition {
  return condition(ConditionType.Accepted, accepted, Reason.ListenersNotValid, message, gen);
}

export function gatewayProgrammed(gen: number): StatusCondition {
  return condition(ConditionType.Programmed, true, Reason.Programmed, 'Gateway is programmed', gen);
}

export function gatewayNotProgrammed(problem: Problem, gen: number): StatusCondition {
  return condition(ConditionType.Programmed, false, problem.reason, problem.message, gen);
}

// ------------------------------------------------------------------ Listener

export function listenerAccepted(gen: number): StatusCondition {
  return condition(ConditionType.Accepted, true, Reason.Accepted, 'Listener is accepted', gen);
}

export function listenerNotAccepted(problem: Problem, gen: number): StatusCondition {
  return condition(ConditionType.Accepted, false, problem.reason, problem.message, gen);
}

export function listenerProgrammed(gen: number): StatusCondition {
  return condition(ConditionType.Programmed, true, Reason.Programmed, 'Listener is programmed', gen);
}

export function listenerNotProgrammed(problem: Problem, gen: number): StatusCondition {
  return condition(ConditionType.Programmed, false, problem.reason, problem.message, gen);
}

export function listenerResolvedRefs(gen: number): StatusCondition {
  return condition(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, 'All references are resolved', gen);
}

export function listenerUnresolvedRefs(problem: Problem, gen: number): StatusCondition {
  return condition(ConditionType.ResolvedRefs, false, problem.reason, problem.message, gen);
}

export function listenerNoConflicts(gen: number): StatusCondition {
  return condition(ConditionType.Conflicted, false, Reason.NoConflicts, 'No conflicts', gen);
}

export function listenerConflicted(problem: Problem, gen: number): StatusCondition {
  return condition(ConditionType.Conflicted, true, problem.reason, problem.message, gen);
}

// ------------------------------------------------------------------ Route

export function routeAccepted(gen: number): StatusCondition {
  return condition(ConditionType.Accepted, true, Reason.Accepted, 'Route is accepted', gen);
}

export function routeNotAccepted(problem: Problem, gen: number): StatusCondition {
  return condition(ConditionType.Accepted, false, problem.reason, problem.message, gen);
}

export function routeResolvedRefs(gen: number): StatusCondition {
  return condition(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, 'All references are resolved', gen);
}

export function routeUnresolvedRefs(problem: Problem, gen: number): StatusCondition {
  return condition(ConditionType.ResolvedRefs, false, problem.reason, problem.message, gen);
}

/** Spec (RouteConditionPartiallyInvalid): some rules were dropped, the others are served. */
export function routePartiallyInvalid(message: string, gen: number): StatusCondition {
  return condition(ConditionType.PartiallyInvalid, true, Reason.UnsupportedValue, message, gen);
}

export function problem(reason: ReasonName, message: string): Problem {
  return { reason, message };
}
