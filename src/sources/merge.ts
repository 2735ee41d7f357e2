// Objects from many files (and many documents in one file) into one list, in load order. An object key
// defined twice is a mistake a user should see: the first definition wins, the second is rejected with both
// locations, as `kubectl apply` would have overwritten one with the other without saying so.
import type { ParseResult } from '../api/parse.ts';
import { objectKey } from '../api/snapshot.ts';
import type { KubeObject, Rejection } from '../api/types.ts';

/**
 * objectKey, kept per object: an unchanged document hands out the same object on every rebuild, and a key
 * string that already exists also has its hash computed, so the maps keyed by it stay cheap at 10,000 objects.
 */
const keys = new WeakMap<KubeObject, string>();
export function keyOf(o: KubeObject): string {
  let key = keys.get(o);
  if (key === undefined) {
    key = objectKey(o);
    keys.set(o, key);
  }
  return key;
}

const where = (o: KubeObject): string => (o.origin ? `${o.origin.file}:${o.origin.line}` : objectKey(o));

export function mergeParsed(results: readonly ParseResult[]): ParseResult {
  const objects: KubeObject[] = [];
  const rejected: Rejection[] = [];
  const first = new Map<string, KubeObject>();
  for (const result of results) {
    rejected.push(...result.rejected);
    for (const o of result.objects) {
      const key = keyOf(o);
      const earlier = first.get(key);
      if (earlier) {
        rejected.push({
          where: where(o),
          kind: o.kind,
          namespace: o.metadata.namespace,
          name: o.metadata.name,
          reason: `${key} is defined twice: at ${where(earlier)} (used) and at ${where(o)} (ignored)`,
        });
        continue;
      }
      first.set(key, o);
      objects.push(o);
    }
  }
  return { objects, rejected };
}
