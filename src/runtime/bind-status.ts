// Translate decides what should be served but cannot know whether a socket opens (the address may be in use).
// The data plane's apply report tells; a listener whose socket failed is not Programmed (spec: listener
// condition Programmed, reason Pending: "the listener is not yet programmed"), and a Gateway none of whose
// listeners could be opened is not Programmed either.
import type { Config } from '../config/types.ts';
import type { ApplyReport } from '../dataplane/types.ts';
import type { GatewayStatus, ObjectStatus, StatusCondition, TranslateResult } from '../translate/types.ts';

const PENDING = 'Pending';

function notProgrammed(c: StatusCondition, message: string): StatusCondition {
  return c.type === 'Programmed' ? { ...c, status: 'False', reason: PENDING, message } : c;
}

/** `result` with the listeners on sockets that failed to open marked not Programmed. Pure. */
export function withBindFailures(result: TranslateResult, config: Config, failed: ApplyReport['failed']): TranslateResult {
  if (failed.length === 0) return result;
  // `namespace/gateway` → listener name → why its socket is not open.
  const failures = new Map<string, Map<string, string>>();
  for (const f of failed) {
    const port = config.ports.find((p) => p.key === f.key);
    for (const l of port?.listeners ?? []) {
      const [namespace, gateway, listener] = l.name.split('/');
      const key = `${namespace}/${gateway}`;
      if (!failures.has(key)) failures.set(key, new Map());
      failures.get(key)!.set(listener, `cannot listen on ${f.key}: ${f.error}`);
    }
  }
  const statuses = result.statuses.map((s): ObjectStatus => {
    const byListener = s.kind === 'Gateway' ? failures.get(`${s.namespace}/${s.name}`) : undefined;
    if (!byListener) return s;
    const status = s.status as GatewayStatus;
    const listeners = status.listeners.map((l) => {
      const why = byListener.get(l.name);
      return why ? { ...l, conditions: l.conditions.map((c) => notProgrammed(c, why)) } : l;
    });
    const allFailed = status.listeners.length > 0 && status.listeners.every((l) => byListener.has(l.name));
    const conditions = allFailed ? status.conditions.map((c) => notProgrammed(c, [...byListener.values()][0])) : status.conditions;
    return { ...s, status: { ...status, listeners, conditions } };
  });
  return { ...result, statuses };
}
