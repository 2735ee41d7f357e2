// `onramp echo` runs the echo backend as its own process and stops cleanly on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/onramp.js');

test('onramp echo answers with the request it received and its identity', async (t) => {
  const child = spawn(process.execPath, [BIN, 'echo', '--host', '127.0.45.1', '--port', '0', '--namespace', 'ns1', '--pod', 'pod-a'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      buffered += chunk;
      for (const line of buffered.split('\n')) {
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.msg === 'echo server listening' && entry.port) resolve(entry.port);
        } catch {
          // An incomplete line; the rest comes with the next chunk.
        }
      }
    });
    void exited.then((code) => reject(new Error(`echo exited with ${code}: ${buffered}`)));
  });
  const res = await fetch(`http://127.0.45.1:${port}/some/path?q=1`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { path: string; namespace: string; pod: string; method: string };
  assert.equal(body.path, '/some/path?q=1');
  assert.equal(body.method, 'GET');
  assert.equal(body.namespace, 'ns1');
  assert.equal(body.pod, 'pod-a');
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
