// Listener conflicts (spec: Gateway spec.listeners, "Distinct Listeners" and "Handling indistinct
// Listeners"). Listeners that share a socket must agree on the protocol (one socket speaks either HTTP or
// HTTPS) and differ by hostname. Conflicted listeners are not accepted: Accepted False, Programmed False and
// Conflicted True with the same reason (as the conformance cases check).
import { problem, Reason } from './conditions.ts';
import type { ListenerState } from './listeners.ts';

export interface GatewayListeners {
  /** `namespace/name`. */
  key: string;
  /** Sort key for precedence between Gateways: creationTimestamp, then namespace/name. */
  creationTimestamp: string;
  addresses: readonly string[];
  listeners: readonly ListenerState[];
}

function conflict(state: ListenerState, reason: typeof Reason.HostnameConflict | typeof Reason.ProtocolConflict, message: string): void {
  if (state.conflicted) return;
  state.conflicted = problem(reason, message);
}

/**
 * Inside one Gateway no listener wins a conflict: spec "The implementation MUST NOT pick one conflicting
 * Listener as the winner. ALL indistinct Listeners must not be accepted for processing."
 */
function conflictsWithinGateway(listeners: readonly ListenerState[]): void {
  const byPort = new Map<number, ListenerState[]>();
  for (const l of listeners) {
    if (l.notAccepted) continue;
    const list = byPort.get(l.listener.port) ?? [];
    list.push(l);
    byPort.set(l.listener.port, list);
  }
  for (const [port, group] of byPort) {
    const protocols = new Set(group.map((l) => l.listener.protocol));
    if (protocols.size > 1) {
      for (const l of group) {
        conflict(l, Reason.ProtocolConflict, `port ${port} is used with protocols ${[...protocols].sort().join(' and ')}`);
      }
      continue;
    }
    const byHost = new Map<string, ListenerState[]>();
    for (const l of group) {
      const h = l.hostname ?? '';
      byHost.set(h, [...(byHost.get(h) ?? []), l]);
    }
    for (const [host, same] of byHost) {
      if (same.length < 2) continue;
      for (const l of same) {
        conflict(l, Reason.HostnameConflict, `listeners ${same.map((s) => s.listener.name).join(', ')} share port ${port} and hostname "${host}"`);
      }
    }
  }
}

/**
 * Gateways that share an address share its sockets. The Gateway that came first (oldest creationTimestamp,
 * then namespace/name) keeps its listeners and the later one's indistinct listeners are conflicted: the
 * precedence GEP-1713 gives merged listener sets, so that adding a Gateway never breaks one that serves.
 */
function conflictsAcrossGateways(gateways: readonly GatewayListeners[]): void {
  const ordered = [...gateways].sort((a, b) =>
    a.creationTimestamp !== b.creationTimestamp
      ? a.creationTimestamp < b.creationTimestamp ? -1 : 1
      : a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  const sockets = new Map<string, { address: string; port: number; protocol: string; owner: string; hostnames: Set<string> }>();
  for (const gw of ordered) {
    const claims: [string, ListenerState][] = [];
    for (const address of gw.addresses) {
      for (const l of gw.listeners) {
        if (l.notAccepted || l.conflicted) continue;
        const socketKey = `${address}:${l.listener.port}`;
        const overlapping = [...sockets.entries()].find(
          ([key, s]) => s.owner !== gw.key && s.port === l.listener.port && key !== socketKey && addressesOverlap(s.address, address),
        );
        if (overlapping) {
          // Spec (ListenerReasonPortUnavailable): "The port is already in use". A wildcard address and a
          // specific one cannot both be bound on the same port.
          l.notAccepted ??= problem(Reason.PortUnavailable, `${socketKey} overlaps ${overlapping[0]} of Gateway ${overlapping[1].owner}`);
          continue;
        }
        const socket = sockets.get(socketKey);
        if (socket && socket.owner !== gw.key) {
          if (socket.protocol !== l.listener.protocol) {
            conflict(l, Reason.ProtocolConflict, `${socketKey} already serves ${socket.protocol} for Gateway ${socket.owner}`);
            continue;
          }
          if (socket.hostnames.has(l.hostname ?? '')) {
            conflict(l, Reason.HostnameConflict, `${socketKey} already serves hostname "${l.hostname ?? ''}" for Gateway ${socket.owner}`);
            continue;
          }
        }
        claims.push([socketKey, l]);
      }
    }
    for (const [socketKey, l] of claims) {
      if (l.conflicted || l.notAccepted) continue;
      const [address] = splitSocketKey(socketKey);
      const socket = sockets.get(socketKey) ?? {
        address,
        port: l.listener.port,
        protocol: l.listener.protocol,
        owner: gw.key,
        hostnames: new Set<string>(),
      };
      socket.hostnames.add(l.hostname ?? '');
      sockets.set(socketKey, socket);
    }
  }
}

function splitSocketKey(key: string): [string, number] {
  const i = key.lastIndexOf(':');
  return [key.slice(0, i), Number(key.slice(i + 1))];
}

/** The unspecified address of a family takes the port on every address of that family. */
function addressesOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const v6 = (x: string): boolean => x.includes(':');
  if (v6(a) !== v6(b)) return false;
  const any = (x: string): boolean => x === '0.0.0.0' || x === '::';
  return any(a) || any(b);
}

/** Marks conflicted listeners in place (ListenerState is translate's own working data, not the snapshot). */
export function markConflicts(gateways: readonly GatewayListeners[]): void {
  for (const gw of gateways) conflictsWithinGateway(gw.listeners);
  conflictsAcrossGateways(gateways);
}
