// A one-object edit patches the last snapshot instead of rebuilding it (sources/patch.ts). Through edits that
// take the patch (an object changed; lines added above objects) and edits that must not (an object renamed,
// an invalid object, its fix, a second file's objects removed), every snapshot must be the one a fresh load
// of the files gives, with generations bumped for the objects whose spec changed and only for those.
import assert from 'node:assert/strict';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Snapshot } from '../../src/api/types.ts';
import { FileSource, loadSnapshot } from '../../src/sources/file.ts';
import { service, services, Snapshots, tempDir } from './helpers.ts';

const withoutGenerations = (s: Snapshot) => ({
  ...s,
  services: s.services.map((o) => ({ ...o, metadata: { ...o.metadata, generation: undefined } })),
});

test('patched snapshots equal fresh loads, through edits that patch and edits that rebuild', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.yaml');
  const many = (prefix: string, n: number, ports: Record<number, number> = {}) =>
    Array.from({ length: n }, (_, i) => service(`${prefix}${i}`, ports[i] ?? 80)).join('---\n');
  await writeFile(a, many('a', 50));
  await writeFile(b, many('b', 50));
  const snapshots = new Snapshots();
  const source = new FileSource([dir], { debounceMs: 5 });
  t.after(() => source.close());
  await source.start(snapshots.push);

  const steps: [string, string, string, (s: Snapshot) => boolean][] = [
    ['one object changed', a, many('a', 50, { 7: 81 }), (s) => services(s).includes('a7@2')],
    ['lines added above objects', b, `# note\n# another\n${many('b', 50, { 3: 82 })}`, (s) => services(s).includes('b3@2')],
    ['an object renamed', a, many('a', 50, { 7: 81 }).replace('name: a9\n', 'name: a9x\n'), (s) => services(s).includes('a9x@1')],
    ['an invalid object', a, many('a', 50, { 7: 81 }).replace('name: a9\n', 'name: a9x\n').replace('port: 81', 'port: nope'), (s) => s.rejected.length > 0],
    ['the object fixed', a, many('a', 50, { 7: 83 }).replace('name: a9\n', 'name: a9x\n'), (s) => s.rejected.length === 0 && services(s).includes('a7@3')],
    ['one object changed again', b, `# note\n# another\n${many('b', 50, { 3: 84 })}`, (s) => services(s).includes('b3@3')],
  ];
  for (const [what, path, text, ready] of steps) {
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
    const s = await snapshots.until(ready, what);
    assert.deepEqual(withoutGenerations(s), withoutGenerations(await loadSnapshot([dir])), what);
  }
  const bumped = services(snapshots.latest!).filter((x) => !x.endsWith('@1'));
  assert.deepEqual(bumped.sort(), ['a7@3', 'b3@3']);
});
