// metadata.generation in standalone mode. The API server bumps an object's generation when its spec changes
// (not its labels or annotations), and controllers report the generation they acted on as observedGeneration.
// Without an API server the file source keeps the count itself so that observedGeneration means the same.
import type { KubeObject } from '../api/types.ts';
import { keyOf } from './merge.ts';

/** The part of an object whose change bumps its generation: spec, or for kinds without one (Secret, ConfigMap, EndpointSlice) every field but metadata. */
function generationContent(o: KubeObject): string {
  const record = o as unknown as Record<string, unknown>;
  if ('spec' in record) return canonicalJSON(record.spec);
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && k !== 'status' && k !== 'origin') rest[k] = v;
  }
  return canonicalJSON(rest);
}

/** JSON with object keys sorted: reordering the keys of a manifest is not a change. */
export function canonicalJSON(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  }) ?? 'undefined';
}

export class GenerationTracker {
  #seen = new Map<string, { generation: number; content: string }>();
  /**
   * Content by the spec object it was computed from (the object itself for kinds without a spec). A parsed
   * document that did not change hands out the very same spec again, so a rebuild of thousands of objects
   * serialises only the ones that changed.
   */
  #contents = new WeakMap<object, string>();
  /** Objects given a generation other than their manifest's, by the parsed object. */
  #copies = new WeakMap<KubeObject, KubeObject>();

  #content(o: KubeObject): string {
    const spec = (o as unknown as Record<string, unknown>).spec;
    const holder = spec !== null && typeof spec === 'object' ? spec : o;
    let content = this.#contents.get(holder);
    if (content === undefined) {
      content = generationContent(o);
      this.#contents.set(holder, content);
    }
    return content;
  }

  /**
   * Returns the objects with metadata.generation set: the manifest's own value (1 by default) the first time a
   * key is seen, +1 each time its spec changes. Keys that disappear are remembered: an object that was
   * rejected for a while (a bad edit) or whose file was renamed comes back with a higher generation, never a
   * lower one, so observedGeneration does not go backwards. The input objects are not modified.
   */
  assign(objects: readonly KubeObject[]): KubeObject[] {
    const out = objects.map((o) => {
      const key = keyOf(o);
      const content = this.#content(o);
      const before = this.#seen.get(key);
      const generation = !before ? (o.metadata.generation ?? 1) : before.content === content ? before.generation : before.generation + 1;
      if (before?.generation !== generation || before.content !== content) this.#seen.set(key, { generation, content });
      return generation === o.metadata.generation ? o : this.#withGeneration(o, generation);
    });
    return out;
  }

  /**
   * The object with another generation; the same copy as last time while the object and its generation stay
   * the same, so that an unchanged object is the same object in every snapshot (cheap to compare, and
   * something a consumer can cache by).
   */
  #withGeneration(o: KubeObject, generation: number): KubeObject {
    const copy = this.#copies.get(o);
    if (copy?.metadata.generation === generation) return copy;
    const made = { ...o, metadata: { ...o.metadata, generation } };
    this.#copies.set(o, made);
    return made;
  }
}
