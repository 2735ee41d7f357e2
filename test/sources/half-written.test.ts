// A file rewritten in place is empty for a moment (truncated, then written): the source does not publish that
// moment, while a file emptied on purpose is published as empty after a short wait.
import assert from 'node:assert/strict';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileSource } from '../../src/sources/file.ts';
import { service, services, Snapshots, tempDir } from './helpers.ts';

test('rewriting a file in place never publishes it empty', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const path = join(dir, 'services.yaml');
  await writeFile(path, service('a', 80));
  const snapshots = new Snapshots();
  const source = new FileSource([dir], { debounceMs: 2 });
  t.after(() => source.close());
  await source.start(snapshots.push);
  for (let port = 81; port <= 100; port++) {
    await writeFile(path, service('a', port)); // opens with O_TRUNC, then writes
    await snapshots.until((s) => s.services[0]?.spec.ports?.[0]?.port === port, `port ${port}`);
  }
  assert.deepEqual(snapshots.received.filter((s) => s.services.length === 0).length, 0);
});

test('a file emptied on purpose is published as empty', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const path = join(dir, 'services.yaml');
  await writeFile(path, service('a'));
  const snapshots = new Snapshots();
  const source = new FileSource([dir], { debounceMs: 2 });
  t.after(() => source.close());
  await source.start(snapshots.push);
  await truncate(path, 0);
  const empty = await snapshots.until((s) => s.services.length === 0, 'no services');
  assert.deepEqual(services(empty), []);
});
