// FileSource watching: every change to the files (edit, add, delete, rename, folders coming and going) ends
// in a new complete snapshot; generation follows spec changes; a bad edit rejects only its own object.
import assert from 'node:assert/strict';
import { chmod, mkdir, rename, rm, symlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { FileNotFoundError, FileSource } from '../../src/sources/file.ts';
import { find, service, services, Snapshots, tempDir, write } from './helpers.ts';

async function started(t: TestContext, paths: string[]): Promise<Snapshots> {
  const snapshots = new Snapshots();
  const source = new FileSource(paths, { debounceMs: 20 });
  t.after(() => source.close());
  await source.start(snapshots.push);
  return snapshots;
}

const has = (...expected: string[]) => (s: Parameters<typeof services>[0]) => isDeepStrictEqual(services(s), expected);

test('start emits the first snapshot before it resolves', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  await write(join(dir, 'a.yaml'), service('a'));
  const snapshots = await started(t, [dir]);
  assert.equal(snapshots.received.length, 1);
  assert.deepEqual(services(snapshots.received[0]), ['a@1']);
});

test('a spec edit makes a new snapshot with the generation bumped; a label edit keeps the generation', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const file = join(dir, 'a.yaml');
  await write(file, service('a', 80));
  const snapshots = await started(t, [dir]);
  await write(file, service('a', 81));
  await snapshots.until((s) => find(s, 'a')?.metadata.generation === 2, 'generation 2 after a port change');
  await write(file, service('a', 81, { team: 'x' }));
  const labelled = await snapshots.until((s) => find(s, 'a')?.metadata.labels?.team === 'x', 'the new label');
  assert.equal(find(labelled, 'a')?.metadata.generation, 2);
  await write(file, service('a', 82, { team: 'x' }));
  await snapshots.until(has('a@3'), 'generation 3 after another port change');
});

test('files added, deleted and renamed are picked up', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  await write(join(dir, 'a.yaml'), service('a'));
  const snapshots = await started(t, [dir]);
  await write(join(dir, 'b.yaml'), service('b'));
  await snapshots.until(has('a@1', 'b@1'), 'the added file');
  await rename(join(dir, 'b.yaml'), join(dir, 'c.yml'));
  const renamed = await snapshots.until((s) => find(s, 'b')?.origin?.file === join(dir, 'c.yml'), 'b read from its new name');
  assert.deepEqual(services(renamed), ['a@1', 'b@1']);
  await rename(join(dir, 'c.yml'), join(dir, 'c.yml.bak'));
  await snapshots.until(has('a@1'), 'b gone when renamed to a name that is not a manifest');
  await rm(join(dir, 'a.yaml'));
  await snapshots.until(has(), 'no services after the delete');
});

test('an editor that saves by writing a new file and renaming it over the old one', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const file = join(dir, 'a.yaml');
  await write(file, service('a', 80));
  const snapshots = await started(t, [file]);
  for (const port of [81, 82]) {
    await write(join(dir, '.a.yaml.tmp'), service('a', port));
    await rename(join(dir, '.a.yaml.tmp'), file);
    await snapshots.until((s) => find(s, 'a')?.metadata.generation === port - 79, `port ${port}`);
  }
  assert.equal(snapshots.latest?.services[0].spec.ports?.[0].port, 82);
});

test('a bad edit rejects that object at file:line; the other objects stay, and fixing it brings it back', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const file = join(dir, 'ab.yaml');
  await write(file, `${service('a', 80)}---\n${service('b', 80)}`);
  await write(join(dir, 'c.yaml'), service('c'));
  const snapshots = await started(t, [dir]);
  await write(file, `${service('a', 80)}---\n${service('b', 70000)}`);
  const bad = await snapshots.until(has('a@1', 'c@1'), 'b rejected');
  assert.deepEqual(bad.rejected.map((r) => [r.where, r.name]), [[`${file}:9`, 'b']]);
  assert.match(bad.rejected[0].reason, /^spec\.ports\[0\]\.port \(line 15\): Invalid value 70000/);
  await write(file, `${service('a', 80)}---\n[unclosed`);
  const broken = await snapshots.until((s) => s.rejected.some((r) => r.reason.startsWith('YAML syntax error')), 'a YAML error');
  assert.deepEqual(services(broken), ['a@1', 'c@1']);
  assert.ok(broken.rejected[0].where.startsWith(`${file}:`));
  await write(file, `${service('a', 80)}---\n${service('b', 81)}`);
  const fixed = await snapshots.until((s) => s.rejected.length === 0 && s.services.length === 3, 'b back');
  // b's spec changed while it was rejected: it comes back with a higher generation, never a lower one.
  assert.deepEqual(services(fixed), ['a@1', 'b@2', 'c@1']);
});

test('folders that appear and disappear, and a root that comes back', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const root = join(dir, 'manifests');
  await mkdir(root);
  const snapshots = await started(t, [root]);
  await mkdir(join(root, 'team/nested'), { recursive: true });
  await write(join(root, 'team/nested/a.yaml'), service('a'));
  await snapshots.until(has('a@1'), 'a file in a new nested folder');
  await write(join(root, 'team/nested/b.yaml'), service('b'));
  await snapshots.until(has('a@1', 'b@1'), 'a second file in the new folder (it is watched)');
  await rm(join(root, 'team'), { recursive: true });
  await snapshots.until(has(), 'nothing after the folder is removed');
  await rm(root, { recursive: true });
  const gone = await snapshots.until((s) => s.rejected.some((r) => r.reason.startsWith('file not found')), 'the root reported missing');
  assert.deepEqual(services(gone), []);
  await mkdir(root);
  await write(join(root, 'c.yaml'), service('c'));
  await snapshots.until(has('c@1'), 'the root is read again once it is back');
});

test('a change that changes nothing emits nothing: consecutive snapshots always differ', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const file = join(dir, 'a.yaml');
  await write(file, service('a', 80));
  const snapshots = await started(t, [dir]);
  await write(file, service('a', 80));
  const later = new Date(Date.now() + 5000);
  await utimes(file, later, later);
  await write(join(dir, 'b.yaml'), service('b'));
  await snapshots.until(has('a@1', 'b@1'), 'b');
  for (let i = 1; i < snapshots.received.length; i++) {
    assert.ok(!isDeepStrictEqual(snapshots.received[i - 1], snapshots.received[i]), `snapshot ${i} repeats the one before`);
  }
});

test('start with a missing path rejects with FileNotFoundError', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const source = new FileSource([join(dir, 'missing')]);
  t.after(() => source.close());
  await assert.rejects(source.start(() => assert.fail('no snapshot expected')), FileNotFoundError);
});

test('a file that cannot be read rejects only its own objects', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  await write(join(dir, 'a.yaml'), service('a'));
  await write(join(dir, 'b.yaml'), service('b'));
  const snapshots = await started(t, [dir]);
  // A link to a file that is gone (a Kubernetes volume mid-update looks like this).
  await rm(join(dir, 'b.yaml'));
  await symlink(join(dir, 'gone.txt'), join(dir, 'b.yaml'));
  const broken = await snapshots.until(has('a@1'), 'b unreadable');
  assert.deepEqual(broken.rejected.map((r) => [r.where, r.reason]), [[`${join(dir, 'b.yaml')}:1`, 'cannot read file (ENOENT); its objects are not loaded']]);
  if (process.getuid?.() !== 0) {
    // Permissions do not stop root; everyone else sees the same for a file they may not read.
    await write(join(dir, 'c.yaml'), service('c'));
    await snapshots.until(has('a@1', 'c@1'), 'c');
    await chmod(join(dir, 'c.yaml'), 0);
    const denied = await snapshots.until(has('a@1'), 'c unreadable');
    assert.ok(denied.rejected.some((r) => r.reason === 'cannot read file (EACCES); its objects are not loaded'));
  }
  await write(join(dir, 'gone.txt'), service('b'));
  await snapshots.until((s) => services(s).includes('b@1') && s.rejected.length === (process.getuid?.() !== 0 ? 1 : 0), 'b readable again');
});
