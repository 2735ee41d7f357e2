// A large manifest file edited one document at a time: each edit ends in the snapshot a fresh load of the file
// gives (with the generation of the edited object bumped), and events that read nothing emit nothing.
import assert from 'node:assert/strict';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Snapshot } from '../../src/api/types.ts';
import { FileSource, loadSnapshot } from '../../src/sources/file.ts';
import { service, Snapshots, tempDir } from './helpers.ts';

const COUNT = 300;

const file = (ports: Map<number, number> = new Map()) =>
  Array.from({ length: COUNT }, (_, i) => service(`s${i}`, ports.get(i) ?? 80)).join('---\n');

const portOf = (s: Snapshot, name: string) => s.services.find((o) => o.metadata.name === name)?.spec.ports?.[0]?.port;

/** The snapshot without generations, which only the watching source counts. */
const withoutGenerations = (s: Snapshot) => ({
  ...s,
  services: s.services.map((o) => ({ ...o, metadata: { ...o.metadata, generation: undefined } })),
});

test('editing one document of a many-document file gives the snapshot a fresh load gives', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const path = join(dir, 'services.yaml');
  await writeFile(path, file());
  const snapshots = new Snapshots();
  const source = new FileSource([dir], { debounceMs: 5 });
  t.after(() => source.close());
  await source.start(snapshots.push);
  assert.equal(snapshots.latest?.services.length, COUNT);

  const ports = new Map<number, number>();
  for (const [i, port] of [[7, 81], [150, 82], [299, 83], [7, 84]]) {
    ports.set(i, port);
    // Replaced whole, as an editor or a config tool does: write a temporary file, then rename it.
    await writeFile(`${path}.tmp`, file(ports));
    await rename(`${path}.tmp`, path);
    const s = await snapshots.until((x) => portOf(x, `s${i}`) === port, `s${i} on port ${port}`);
    assert.deepEqual(withoutGenerations(s), withoutGenerations(await loadSnapshot([dir])));
  }
  const latest = snapshots.latest!;
  const bumped = latest.services.filter((o) => o.metadata.generation !== 1).map((o) => `${o.metadata.name}@${o.metadata.generation}`);
  assert.deepEqual(bumped.sort(), ['s150@2', 's299@2', 's7@3']);
});

test('an edit that adds lines above moves every object below to its new line', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const path = join(dir, 'services.yaml');
  await writeFile(path, file());
  const snapshots = new Snapshots();
  const source = new FileSource([path], { debounceMs: 5 });
  t.after(() => source.close());
  await source.start(snapshots.push);
  await writeFile(path, `# added\n# lines\n${file()}`);
  const s = await snapshots.until((x) => x.services.find((o) => o.metadata.name === 's0')?.origin?.line === 3, 's0 on line 3');
  assert.deepEqual(s, await loadSnapshot([path]));
});
