// loadSnapshot, the one-shot load of `onramp check`: folders read recursively in name order, duplicate keys
// rejected with both locations, and a missing path reported as such.
import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileNotFoundError, loadSnapshot } from '../../src/sources/file.ts';
import { service, tempDir, write } from './helpers.ts';

test('folders are read recursively: .yaml, .yml and .json files, dot files skipped', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  await mkdir(join(dir, 'sub/deeper'), { recursive: true });
  await write(join(dir, 'a.yaml'), service('a'));
  await write(join(dir, 'sub/b.yml'), service('b'));
  await write(join(dir, 'sub/deeper/c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'c' } }));
  await write(join(dir, 'sub/notes.txt'), 'not a manifest');
  await write(join(dir, '.a.yaml.swp'), 'garbage');
  await write(join(dir, '.hidden.yaml'), service('hidden'));
  const snapshot = await loadSnapshot([dir]);
  assert.deepEqual(snapshot.rejected, []);
  assert.deepEqual(
    snapshot.services.map((s) => [s.metadata.name, s.origin]),
    [
      ['a', { file: join(dir, 'a.yaml'), line: 1 }],
      ['b', { file: join(dir, 'sub/b.yml'), line: 1 }],
    ],
  );
  assert.deepEqual(snapshot.namespaces.map((n) => n.metadata.name), ['c']);
});

test('a file named on the command line is read whatever its extension', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  await write(join(dir, 'manifest.txt'), service('a'));
  const snapshot = await loadSnapshot([join(dir, 'manifest.txt')]);
  assert.deepEqual(snapshot.services.map((s) => s.metadata.name), ['a']);
});

test('an object defined in two files: the first wins, the second is rejected with both locations', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  await write(join(dir, '1.yaml'), service('a', 80));
  await write(join(dir, '2.yaml'), `${service('b')}---\n${service('a', 81)}`);
  const snapshot = await loadSnapshot([dir]);
  assert.deepEqual(snapshot.services.map((s) => [s.metadata.name, s.spec.ports?.[0].port]), [['a', 80], ['b', 80]]);
  assert.deepEqual(snapshot.rejected, [
    {
      where: `${join(dir, '2.yaml')}:9`,
      kind: 'Service',
      namespace: 'default',
      name: 'a',
      reason: `Service/default/a is defined twice: at ${join(dir, '1.yaml')}:1 (used) and at ${join(dir, '2.yaml')}:9 (ignored)`,
    },
  ]);
});

test('an object defined twice in one file is rejected the same way', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const file = join(dir, 'm.yaml');
  await write(file, `${service('a', 80)}---\n${service('a', 81)}`);
  const snapshot = await loadSnapshot([file]);
  assert.deepEqual(snapshot.services.map((s) => s.spec.ports?.[0].port), [80]);
  assert.equal(snapshot.rejected.length, 1);
  assert.equal(snapshot.rejected[0].where, `${file}:9`);
  assert.match(snapshot.rejected[0].reason, /defined twice: at .*m\.yaml:1 \(used\) and at .*m\.yaml:9 \(ignored\)$/);
});

test('a path given twice, or a file inside a folder also given, is read once', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  await write(join(dir, 'a.yaml'), service('a'));
  await symlink(dir, join(dir, 'loop'));
  const snapshot = await loadSnapshot([dir, join(dir, 'a.yaml'), dir]);
  assert.deepEqual(snapshot.rejected, []);
  assert.deepEqual(snapshot.services.map((s) => s.metadata.name), ['a']);
});

test('a missing path is a FileNotFoundError naming it', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const missing = join(dir, 'nope.yaml');
  await assert.rejects(loadSnapshot([dir, missing]), (err: unknown) => {
    assert.ok(err instanceof FileNotFoundError);
    assert.equal(err.code, 'ENOENT');
    assert.equal(err.message, `file not found: ${missing}`);
    return true;
  });
});

test('kinds onramp does not read and invalid objects are reported at file:line; the rest loads', async (t) => {
  const { dir, remove } = await tempDir();
  t.after(remove);
  const file = join(dir, 'mixed.yaml');
  await write(file, `${service('a')}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\n${service('b', 0)}`);
  const snapshot = await loadSnapshot([file]);
  assert.deepEqual(snapshot.services.map((s) => s.metadata.name), ['a']);
  assert.deepEqual(
    snapshot.rejected.map((r) => [r.where, r.kind, r.reason.split(':')[0]]),
    [
      [`${file}:13`, 'Service', 'spec.ports[0].port (line 19)'],
      [`${file}:9`, 'Deployment', 'kind Deployment is not read by onramp; ignored'],
    ],
  );
});
