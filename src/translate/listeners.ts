// Listener validation on its own (spec: Listener, ListenerStatus): protocol, route kinds and TLS references.
// Conflicts between listeners are conflicts.ts; route attachment is attachment.ts.
import type { Gateway, Listener, ReferenceGrant, RouteGroupKind } from '../api/types.ts';
import { resolveListenerCertificates, type ListenerCertificates, type SecretIndex } from './certificates.ts';
import { problem, Reason, type Problem } from './conditions.ts';
import { list } from './input.ts';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The route kinds onramp serves per listener protocol. Only HTTP and HTTPS listeners are supported for now. */
const KINDS_BY_PROTOCOL: Record<string, readonly RouteGroupKind[]> = {
  HTTP: [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }],
  HTTPS: [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }],
};

/** What translate knows about one listener of one of our Gateways. */
export interface ListenerState {
  gateway: Gateway;
  /** `namespace/gatewayName`. */
  gatewayKey: string;
  listener: Listener;
  /** `namespace/gatewayName/listenerName`. */
  key: string;
  supportedKinds: RouteGroupKind[];
  /** Accepted False with this problem (unsupported protocol, conflict, bad port); null when accepted. */
  notAccepted: Problem | null;
  /** Conflicted True with this problem; null when distinct. */
  conflicted: Problem | null;
  /** ResolvedRefs False with this problem; null when every reference resolves. */
  unresolvedRefs: Problem | null;
  /** HTTPS only: the usable key pairs. */
  certificates: ListenerCertificates | null;
  /** The listener hostname, or null when it has none (an empty hostname matches every host too). */
  hostname: string | null;
  /**
   * How many routes are attached to this listener (Accepted True), each counted once however many of its
   * parentRefs select the listener. A count rather than a set of keys: at 10,000 routes, filling a set per
   * translate was a large share of its time.
   */
  attachedRoutes: number;
}

/** Spec (RouteGroupKind): group defaults to gateway.networking.k8s.io. */
function kindKey(k: RouteGroupKind): string {
  return `${k.group ?? GATEWAY_GROUP}/${k.kind}`;
}

/**
 * Spec (AllowedRoutes.kinds): kinds not supported for the protocol MUST NOT appear in supportedKinds and
 * make ResolvedRefs False with InvalidRouteKinds; the valid ones are still listed.
 */
function routeKinds(listener: Listener): { supportedKinds: RouteGroupKind[]; problem: Problem | null } {
  const available = KINDS_BY_PROTOCOL[listener.protocol] ?? [];
  const requested = list(listener.allowedRoutes?.kinds);
  if (requested.length === 0) return { supportedKinds: available.map((k) => ({ ...k })), problem: null };
  const availableKeys = new Set(available.map(kindKey));
  const supportedKinds: RouteGroupKind[] = [];
  const invalid: string[] = [];
  for (const k of requested) {
    if (availableKeys.has(kindKey(k))) {
      if (!supportedKinds.some((s) => kindKey(s) === kindKey(k))) supportedKinds.push({ group: k.group ?? GATEWAY_GROUP, kind: k.kind });
    } else {
      invalid.push(kindKey(k));
    }
  }
  return {
    supportedKinds,
    problem:
      invalid.length > 0
        ? problem(Reason.InvalidRouteKinds, `route kinds ${invalid.join(', ')} are not supported on a ${listener.protocol} listener`)
        : null,
  };
}

export function validateListener(
  gateway: Gateway,
  listener: Listener,
  secrets: SecretIndex,
  grants: readonly ReferenceGrant[],
): ListenerState {
  const gatewayKey = `${gateway.metadata.namespace ?? 'default'}/${gateway.metadata.name}`;
  const state: ListenerState = {
    gateway,
    gatewayKey,
    listener,
    key: `${gatewayKey}/${listener.name}`,
    hostname: typeof listener.hostname === 'string' && listener.hostname !== '' ? listener.hostname : null,
    supportedKinds: [],
    notAccepted: null,
    conflicted: null,
    unresolvedRefs: null,
    certificates: null,
    attachedRoutes: 0,
  };
  if (!(listener.protocol in KINDS_BY_PROTOCOL)) {
    // Spec (ListenerReasonUnsupportedProtocol); supportedKinds stays empty (case GatewayListenerUnsupportedProtocol).
    state.notAccepted = problem(Reason.UnsupportedProtocol, `protocol ${listener.protocol} is not supported; only HTTP and HTTPS`);
    return state;
  }
  if (!Number.isInteger(listener.port) || listener.port < 1 || listener.port > 65535) {
    state.notAccepted = problem(Reason.PortUnavailable, `port ${String(listener.port)} is not a valid port`);
  }
  const kinds = routeKinds(listener);
  state.supportedKinds = kinds.supportedKinds;
  state.unresolvedRefs = kinds.problem;
  if (clientValidationRequested(gateway, listener)) {
    // The spec's reason for a listener that cannot validate client certificates (GatewayTLSConfig.frontend).
    state.notAccepted ??= problem(
      Reason.NoValidCACertificate,
      'client certificate validation (spec.tls.frontend) is not supported by onramp yet; the listener is not served',
    );
  }
  if (listener.protocol === 'HTTPS') {
    state.certificates = resolveListenerCertificates(gateway, listener, secrets, grants);
    // A certificate problem is reported before a route-kind one: it is the one that stops traffic.
    if (state.certificates.problem) state.unresolvedRefs = state.certificates.problem;
  }
  return state;
}

/**
 * Spec (GatewayTLSConfig.frontend): client certificate validation applies to the HTTPS listeners of every port
 * (`default`) or of the ports listed in `perPort`. onramp cannot validate client certificates yet, and serving
 * such a listener would let in clients the user meant to keep out, so it is not accepted (fail closed).
 */
function clientValidationRequested(gateway: Gateway, listener: Listener): boolean {
  if (listener.protocol !== 'HTTPS') return false;
  const frontend = (gateway.spec as { tls?: { frontend?: { default?: { validation?: unknown }; perPort?: unknown } } } | undefined)
    ?.tls?.frontend;
  if (!frontend || typeof frontend !== 'object') return false;
  if (frontend.default?.validation) return true;
  return list(frontend.perPort as { port?: number; tls?: { validation?: unknown } }[]).some(
    (p) => p.port === listener.port && Boolean(p.tls?.validation),
  );
}

/** Spec (Listener Programmed): served only when accepted, distinct and, for HTTPS, with a key pair. */
export function listenerServable(state: ListenerState): boolean {
  if (state.notAccepted || state.conflicted) return false;
  if (state.listener.protocol === 'HTTPS') return (state.certificates?.ids.length ?? 0) > 0;
  return true;
}
