// The parse cache compares and splits bytes, not characters: documents with multi-byte UTF-8 text (before,
// inside and after an edit) must still give exactly what a fresh parse gives, with the right lines.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { test } from 'node:test';
import { parseManifestBytes, parseManifests, ParseCache } from '../../src/api/parse.ts';

const service = (i: number, note: string, port = 80) =>
  [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: s${i}`,
    '  annotations:',
    `    note: "${note}"`,
    'spec:',
    '  ports:',
    `  - port: ${port}`,
    '',
  ].join('\n');

const notes = ['café', '日本語のテキスト', 'emoji 🚀 here', 'plain', 'ünïcödé'];
const file = (edit?: { i: number; note?: string; port?: number; extraLines?: number }) =>
  Array.from({ length: 40 }, (_, i) => {
    const text = service(i, edit?.i === i && edit.note ? edit.note : notes[i % notes.length], edit?.i === i ? edit.port : undefined);
    return edit?.i === i && edit.extraLines ? `${'# comment ✓\n'.repeat(edit.extraLines)}${text}` : text;
  }).join('---\n');

test('edits between multi-byte documents give what a fresh parse gives', () => {
  const cache = new ParseCache();
  const first = parseManifests(file(), 'm.yaml', cache);
  assert.deepEqual(first, parseManifests(file(), 'm.yaml'));
  const edits = [
    { i: 7, note: 'longer ✓✓✓ note' },
    { i: 12, port: 81 },
    { i: 3, extraLines: 2 },
    { i: 39, note: 'ß' },
    { i: 0, note: 'x' },
  ];
  for (const edit of edits) {
    const text = file(edit);
    const kept = parseManifests(text, 'm.yaml', cache);
    assert.deepEqual(kept, parseManifests(text, 'm.yaml'), JSON.stringify(edit));
    assert.equal(kept.objects.length, 40);
  }
});

test('bytes in a larger buffer are parsed up to the length given, and the buffer may be reused after', () => {
  const cache = new ParseCache();
  const text = file();
  const buffer = Buffer.alloc(Buffer.byteLength(text) + 100, 'x');
  const length = buffer.write(text);
  const first = parseManifestBytes(buffer, length, 'm.yaml', cache);
  assert.deepEqual(first, parseManifests(text, 'm.yaml'));
  // The caller overwrites its buffer; the cache kept its own copy of what it compares the next read with.
  buffer.fill(0);
  const edited = file({ i: 20, note: 'é' });
  const length2 = buffer.write(edited);
  const second = parseManifestBytes(buffer, length2, 'm.yaml', cache);
  assert.deepEqual(second, parseManifests(edited, 'm.yaml'));
  assert.equal(second.objects[19], first.objects[19]);
  assert.notEqual(second.objects[20], first.objects[20]);
});
