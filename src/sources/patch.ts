// The common edit: one object of a large file changed, nothing added, removed or renamed. Merging every file
// again, giving every object its generation and sorting every list would cost the same for one changed
// object as for a new tree (tens of milliseconds at 10,000 objects); when an edit only replaced objects by
// others of the same key, the last snapshot is patched in place of those objects instead. Anything else
// (objects added, removed or renamed, rejections before or after) takes the full path, which stays the
// reference: a patched snapshot equals the one the full path would build.
import type { ParseResult } from '../api/parse.ts';
import type { KubeObject, Snapshot } from '../api/types.ts';
import { SNAPSHOT_LISTS } from '../api/snapshot.ts';
import type { SnapshotListName } from '../api/snapshot.ts';
import { keyOf } from './merge.ts';


/** Where each object of a snapshot is, by key. */
export type Positions = Map<string, { list: SnapshotListName; index: number }>;

export function positionsOf(snapshot: Snapshot): Positions {
  const positions: Positions = new Map();
  for (const list of SNAPSHOT_LISTS) {
    const items = snapshot[list] as readonly KubeObject[];
    for (let index = 0; index < items.length; index++) positions.set(keyOf(items[index]), { list, index });
  }
  return positions;
}

/**
 * The objects of `after` that replace an object of the same key at the same place in `before` (the results
 * of the same files, in the same order), or null when the edit did more than that: a file came or went, an
 * object was added, removed or has another key, or a file has rejections.
 */
export function replacedObjects(before: readonly ParseResult[], after: readonly ParseResult[]): KubeObject[] | null {
  if (before.length !== after.length) return null;
  const replaced: KubeObject[] = [];
  for (let f = 0; f < after.length; f++) {
    const a = before[f];
    const b = after[f];
    if (a.rejected.length > 0 || b.rejected.length > 0) return null;
    if (a === b) continue;
    if (a.objects.length !== b.objects.length) return null;
    for (let i = 0; i < b.objects.length; i++) {
      const o = b.objects[i];
      if (o === a.objects[i]) continue;
      if (keyOf(o) !== keyOf(a.objects[i])) return null;
      replaced.push(o);
    }
  }
  return replaced;
}

/**
 * `snapshot` with each of `objects` put in the place of the object of its key; null when one has no place
 * (it was left out of the snapshot, e.g. as a duplicate). Lists without a replaced object stay the same arrays.
 */
export function patchSnapshot(snapshot: Snapshot, positions: Positions, objects: readonly KubeObject[]): Snapshot | null {
  const lists: Partial<Record<SnapshotListName, KubeObject[]>> = {};
  for (const o of objects) {
    const at = positions.get(keyOf(o));
    if (!at) return null;
    const list = (lists[at.list] ??= [...(snapshot[at.list] as readonly KubeObject[])]);
    list[at.index] = o;
  }
  return { ...snapshot, ...lists } as Snapshot;
}
