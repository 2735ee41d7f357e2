// A bad edit must not take down what was serving (DESIGN.md: errors never stop the last good config). When a
// file has errors, the source leaves its broken objects out of the snapshot; without this step a typo in a
// route file would delete the route. So: an object that was served, is missing now, and came from a file
// that now has rejections is kept in its last good version until the file is fixed. Objects deleted from a
// file that reads cleanly are gone as usual, and so are files that are removed.
import { objectKey, SNAPSHOT_LISTS } from '../api/snapshot.ts';
import type { SnapshotListName } from '../api/snapshot.ts';
import type { KubeObject, Snapshot } from '../api/types.ts';


/** The file of a `file:line` rejection, or null when the rejection names no line of a file. */
function fileOf(where: string): string | null {
  const m = /^(.*):\d+$/.exec(where);
  return m ? m[1] : null;
}

function byKey(a: KubeObject, b: KubeObject): number {
  const ka = objectKey(a);
  const kb = objectKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * `next` with the last good versions of objects that went missing because their file now has errors added
 * back. Pure; returns `next` itself when nothing is held, and the keys of held objects.
 */
export function holdLastGood(next: Snapshot, lastGood: Snapshot | null): { snapshot: Snapshot; held: string[] } {
  if (!lastGood || next.rejected.length === 0) return { snapshot: next, held: [] };
  const badFiles = new Set<string>();
  for (const r of next.rejected) {
    const file = fileOf(r.where);
    if (file !== null) badFiles.add(file);
  }
  if (badFiles.size === 0) return { snapshot: next, held: [] };

  const present = new Set<string>();
  for (const list of SNAPSHOT_LISTS) for (const o of next[list] as readonly KubeObject[]) present.add(objectKey(o));

  const held: string[] = [];
  const lists: Partial<Record<SnapshotListName, KubeObject[]>> = {};
  for (const list of SNAPSHOT_LISTS) {
    for (const o of lastGood[list] as readonly KubeObject[]) {
      if (!o.origin || !badFiles.has(o.origin.file) || present.has(objectKey(o))) continue;
      (lists[list] ??= [...(next[list] as readonly KubeObject[])]).push(o);
      held.push(objectKey(o));
    }
  }
  if (held.length === 0) return { snapshot: next, held };
  for (const list of Object.values(lists)) list.sort(byKey);
  return { snapshot: { ...next, ...lists } as Snapshot, held };
}
