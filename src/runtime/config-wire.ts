// Configs on their way to worker processes. A config crosses the IPC channel as JSON, and a worker that
// parsed it whole got new objects for everything: its data plane, which recompiles only the IR objects it
// has not seen (translate hands out the same objects for what did not change), recompiled every route on
// every change, after the primary had serialised and the worker parsed the whole config (megabytes at
// 10,000 routes). So each virtual host gets a number the first time it is sent; a virtual host the worker
// already holds goes as `{"$vhost": n}` and the worker puts back the very object it decoded before. Only
// the virtual hosts that are new objects are written out.
//
// The worker keeps the virtual hosts of the last config it decoded, and the primary writes references
// only to those (the numbers it sent that worker last time, forgotten when the worker reports an error or
// is replaced): both sides agree on what is known without a round trip.
import type { Config, VirtualHostConfig } from '../config/types.ts';

const REF = '$vhost';

/** A virtual host as written: its number, and itself when the worker does not hold it yet. */
interface WireVirtualHost {
  [REF]: number;
  def?: VirtualHostConfig;
}

export class ConfigEncoder {
  readonly #ids = new WeakMap<VirtualHostConfig, number>();
  #next = 1;

  /**
   * The config as JSON, with the virtual hosts numbered in `known` written as references, and the numbers
   * of all its virtual hosts (what the worker holds once it has decoded this one).
   */
  encode(config: Config, known: ReadonlySet<number> | null): { json: string; ids: Set<number> } {
    const vhosts = virtualHostsOf(config);
    const ids = new Set<number>();
    // The virtual host just wrapped: stringify visits it next as the wrapper's `def`, where it is written
    // out, not replaced by another reference to itself.
    let wrapped: VirtualHostConfig | null = null;
    const json = JSON.stringify(config, (key, value: unknown) => {
      if (value === null || typeof value !== 'object' || !vhosts.has(value as VirtualHostConfig)) return value;
      if (key === 'def' && value === wrapped) {
        wrapped = null;
        return value;
      }
      const vhost = value as VirtualHostConfig;
      const id = this.#idOf(vhost);
      // Known to the worker, or already written earlier in this message (listeners on several addresses
      // share their virtual hosts): a reference. Written out otherwise, with its number.
      const wire: WireVirtualHost = known?.has(id) || ids.has(id) ? { [REF]: id } : { [REF]: id, def: vhost };
      ids.add(id);
      if (wire.def) wrapped = vhost;
      return wire;
    });
    return { json, ids };
  }

  #idOf(vhost: VirtualHostConfig): number {
    let id = this.#ids.get(vhost);
    if (id === undefined) {
      id = this.#next++;
      this.#ids.set(vhost, id);
    }
    return id;
  }
}

/**
 * Every virtual host object of the config. Read defensively: a malformed config is still sent (as it is),
 * and the worker's data plane refuses it with a reason.
 */
function virtualHostsOf(config: Config): Set<VirtualHostConfig> {
  const out = new Set<VirtualHostConfig>();
  const items = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
  for (const p of items(config.ports)) {
    for (const l of items((p as { listeners?: unknown } | null)?.listeners)) {
      for (const v of items((l as { virtualHosts?: unknown } | null)?.virtualHosts)) {
        if (v !== null && typeof v === 'object') out.add(v as VirtualHostConfig);
      }
    }
  }
  return out;
}

/** The table a worker keeps: the virtual hosts of the last config it decoded, by number. */
export type VirtualHostTable = ReadonlyMap<number, VirtualHostConfig>;

/**
 * Decodes what ConfigEncoder wrote, putting back the objects of `table` for references; returns the config
 * and the table for the next one. Throws when a reference is to a virtual host the table does not have.
 */
export function decodeConfig(json: string, table: VirtualHostTable): { config: Config; table: Map<number, VirtualHostConfig> } {
  const next = new Map<number, VirtualHostConfig>();
  // JSON.parse revives depth first in document order, so a virtual host written out is revived before any
  // later reference to it in the same message.
  const config = JSON.parse(json, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, REF)) return value;
    const wire = value as WireVirtualHost;
    const id = wire[REF];
    if (!Number.isSafeInteger(id)) throw new Error('malformed virtual host reference');
    if (wire.def !== undefined) {
      next.set(id, wire.def);
      return wire.def;
    }
    const known = next.get(id) ?? table.get(id);
    if (known === undefined) throw new Error(`virtual host ${id} is not known to this worker`);
    next.set(id, known);
    return known;
  }) as Config;
  return { config, table: next };
}
