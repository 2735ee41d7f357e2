// A user's day with `onramp run`: traffic reaches the backend, an edit is live at once, a bad edit is
// reported and leaves the last good config serving, and SIGTERM stops it cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startEchoServer } from '../../src/echo/server.ts';
import { baseManifests, eventually, request, routeManifest, startOnramp, tempDir, writeAtomically } from './harness.ts';

// This file's own loopback range: Gateways get 127.0.41.x from the pool, backends listen on 127.1.41.x.
const POOL = '127.0.41.0/24';
const GATEWAY = '127.0.41.1';
const PORT = 8080;

test('onramp run serves, reloads on edits, survives bad edits and stops on SIGTERM', async (t) => {
  const v1 = await startEchoServer({ host: '127.1.41.1', port: 0, namespace: 'default', pod: 'v1-pod' });
  t.after(() => v1.close());
  const v2 = await startEchoServer({ host: '127.1.41.2', port: 0, namespace: 'default', pod: 'v2-pod' });
  t.after(() => v2.close());
  const tmp = await tempDir();
  t.after(() => tmp.remove());

  await writeAtomically(
    path.join(tmp.dir, 'base.yaml'),
    baseManifests({
      port: PORT,
      backends: [
        { name: 'v1', host: v1.host, port: v1.port },
        { name: 'v2', host: v2.host, port: v2.port },
      ],
    }),
  );
  const routeFile = path.join(tmp.dir, 'route.yaml');
  await writeAtomically(routeFile, routeManifest({ host: 'www.example.com', prefix: '/', backend: 'v1' }));

  const onramp = await startOnramp(tmp.dir, POOL);
  t.after(() => onramp.stop());

  await t.test('a request through the gateway answers from the backend', async () => {
    const r = await request(GATEWAY, PORT, 'www.example.com', '/hello?x=1');
    assert.equal(r.status, 200);
    const echo = JSON.parse(r.body);
    assert.equal(echo.pod, 'v1-pod');
    assert.equal(echo.path, '/hello?x=1');
    assert.equal(echo.host, 'www.example.com');
    // A host no route serves is not routed.
    assert.equal((await request(GATEWAY, PORT, 'other.example.com', '/')).status, 404);
  });

  await t.test('the admin API shows the Gateway and route Accepted, with the pool address', async () => {
    const { status, body } = await onramp.admin('/api/v1/status');
    assert.equal(status, 200);
    const items = (body as { items: { kind: string; metadata: { name: string }; status: Record<string, unknown> }[] }).items;
    const gw = items.find((i) => i.kind === 'Gateway' && i.metadata.name === 'gw');
    assert.deepEqual((gw?.status.addresses as unknown[])[0], { type: 'IPAddress', value: GATEWAY });
    const conds = gw?.status.conditions as { type: string; status: string; lastTransitionTime: string }[];
    assert.equal(conds.find((c) => c.type === 'Programmed')?.status, 'True');
    assert.ok(conds.every((c) => typeof c.lastTransitionTime === 'string'));
    const route = items.find((i) => i.kind === 'HTTPRoute');
    const parents = route?.status.parents as { conditions: { type: string; status: string }[] }[];
    assert.equal(parents[0].conditions.find((c) => c.type === 'Accepted')?.status, 'True');
  });

  await t.test('an edit of the route file goes live (the time it took is printed, not asserted)', async (t2) => {
    const started = performance.now();
    await writeAtomically(routeFile, routeManifest({ host: 'www.example.com', prefix: '/', backend: 'v2' }));
    await eventually(async () => JSON.parse((await request(GATEWAY, PORT, 'www.example.com', '/')).body).pod === 'v2-pod', 'route to v2');
    t2.diagnostic(`route edit live after ${Math.round(performance.now() - started)} ms`);
  });

  await t.test('a bad edit is rejected, shown in the admin API, and the last good config keeps serving', async () => {
    await writeAtomically(routeFile, 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: route\nspec:\n  rules: [[[\n');
    await eventually(async () => {
      const { body } = await onramp.admin('/api/v1/rejected');
      return (body as { items: { where: string }[] }).items.some((r) => r.where.startsWith(`${routeFile}:`));
    }, 'the rejection to show');
    const r = await request(GATEWAY, PORT, 'www.example.com', '/');
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).pod, 'v2-pod');
    assert.ok(onramp.logs.some((l) => l.msg === 'object rejected' && String(l.where).startsWith(routeFile)), 'the rejection is logged');

    // Fixing the file brings the route back and clears the rejection.
    await writeAtomically(routeFile, routeManifest({ host: 'www.example.com', prefix: '/', backend: 'v1' }));
    await eventually(async () => JSON.parse((await request(GATEWAY, PORT, 'www.example.com', '/')).body).pod === 'v1-pod', 'route back to v1');
    const { body } = await onramp.admin('/api/v1/rejected');
    assert.deepEqual((body as { items: unknown[] }).items, []);
  });

  await t.test('SIGTERM lets the request in flight finish, then exits 0', async () => {
    const slow = request(GATEWAY, PORT, 'www.example.com', '/slow?delay=700ms');
    // Once the backend has the request, it is in flight through the gateway.
    await eventually(() => v1.requests.some((r) => r.path.startsWith('/slow')), 'the slow request to reach the backend');
    const stopped = onramp.stop();
    const answer = await slow;
    assert.equal(answer.status, 200);
    assert.equal(JSON.parse(answer.body).path, '/slow?delay=700ms');
    assert.equal(await stopped, 0);
    await assert.rejects(request(GATEWAY, PORT, 'www.example.com', '/'));
  });
});
