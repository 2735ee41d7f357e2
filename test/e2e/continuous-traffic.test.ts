// Acceptance: clients keep sending requests through the gateway while the route changes 50 times; every
// change goes live and not one request fails (DESIGN.md: a reload never drops an in-flight request).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startEchoServer } from '../../src/echo/server.ts';
import { baseManifests, eventually, request, routeManifest, startOnramp, tempDir, writeAtomically } from './harness.ts';

const POOL = '127.0.42.0/24';
const GATEWAY = '127.0.42.1';
const PORT = 8080;
const CHANGES = 50;

test('50 route changes under continuous traffic: every change goes live, zero failed requests', async (t) => {
  const backend = await startEchoServer({ host: '127.1.42.1', port: 0, namespace: 'default', pod: 'backend' });
  t.after(() => backend.close());
  const tmp = await tempDir();
  t.after(() => tmp.remove());
  await writeAtomically(path.join(tmp.dir, 'base.yaml'), baseManifests({ port: PORT, backends: [{ name: 'backend', host: backend.host, port: backend.port }] }));
  const routeFile = path.join(tmp.dir, 'route.yaml');
  const route = (n: number) => routeManifest({ host: 'www.example.com', prefix: '/', backend: 'backend', header: ['x-route-version', String(n)] });
  await writeAtomically(routeFile, route(0));

  const onramp = await startOnramp(tmp.dir, POOL);
  t.after(() => onramp.stop());
  await eventually(async () => (await request(GATEWAY, PORT, 'www.example.com', '/')).headers['x-route-version'] === '0', 'version 0');

  // Two clients: one reuses keep-alive connections across reloads, one opens a new connection per request.
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => keepAlive.destroy());
  let running = true;
  let seen = -1;
  let sent = 0;
  const failures: string[] = [];
  const client = async (agent: http.Agent | undefined) => {
    while (running) {
      sent++;
      try {
        const r = await request(GATEWAY, PORT, 'www.example.com', `/req/${sent}`, agent);
        if (r.status !== 200) failures.push(`status ${r.status}: ${r.body.slice(0, 200)}`);
        const v = Number(r.headers['x-route-version']);
        if (v > seen) seen = v;
      } catch (err) {
        failures.push(String(err));
      }
    }
  };
  const clients = [client(keepAlive), client(undefined)];

  for (let n = 1; n <= CHANGES; n++) {
    // Half the edits replace the file (as most editors save), half rewrite it in place (as `echo >` does).
    if (n % 2 === 0) await writeAtomically(routeFile, route(n));
    else await writeFile(routeFile, route(n));
    await eventually(() => seen >= n, `route version ${n} to be live`);
  }
  running = false;
  await Promise.all(clients);

  t.diagnostic(`${sent} requests during ${CHANGES} route changes, ${failures.length} failed`);
  assert.equal(seen, CHANGES);
  assert.deepEqual(failures, []);
  assert.ok(sent > CHANGES, 'traffic kept flowing during the changes');
});
