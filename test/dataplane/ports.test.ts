// Listening sockets by diff: open new keys, keep unchanged ones, close removed ones, report bind failures.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, config, forward, listener, port, rule, vhost } from './builder.ts';
import { CountingAgent, echo, freePort, request, startBackend } from './helpers.ts';
import type { Backend } from './helpers.ts';

const A = '127.0.55.1';
const B = '127.0.55.2';

describe('ports by diff', () => {
  const dp = createDataPlane({ drainTimeoutMs: 2000 });
  let b: Backend;
  let pa = 0;
  let pb = 0;
  const httpPort = (address: string, p: number) => {
    const to = forward(backend('b', [{ address: b.address, port: b.port }]));
    return port(address, p, [listener(`ns/gw/${address}`, null, [vhost('*', [rule(to)])])]);
  };

  before(async () => {
    b = await startBackend('b');
    pa = await freePort(A);
    pb = await freePort(B);
  });

  after(async () => {
    await dp.close();
    await b.close();
  });

  const refused = (address: string, p: number) =>
    new Promise<boolean>((resolve) => {
      const s = net.connect({ host: address, port: p });
      s.on('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.on('error', () => resolve(true));
    });

  it('opens new ports, keeps unchanged ones with their connections, closes removed ones', async () => {
    assert.deepEqual(await dp.apply(config([httpPort(A, pa)])), { listening: [`${A}:${pa}`], failed: [] });
    const agent = new CountingAgent();
    await echo({ address: A, port: pa, agent });
    const report = await dp.apply(config([httpPort(A, pa), httpPort(B, pb)]));
    assert.deepEqual(report, { listening: [`${A}:${pa}`, `${B}:${pb}`], failed: [] });
    // The keep-alive connection opened before the apply still serves.
    await echo({ address: A, port: pa, agent });
    assert.equal(agent.created, 1);
    await echo({ address: B, port: pb });
    assert.deepEqual(await dp.apply(config([httpPort(B, pb)])), { listening: [`${B}:${pb}`], failed: [] });
    assert.equal(await refused(A, pa), true);
    // The port comes back when a later config names it again.
    assert.deepEqual((await dp.apply(config([httpPort(A, pa), httpPort(B, pb)]))).failed, []);
    await echo({ address: A, port: pa });
    agent.destroy();
  });

  it('lets a request in flight on a removed port finish, then closes its connection', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let arrived: () => void = () => undefined;
    const seen = new Promise<void>((resolve) => (arrived = resolve));
    const held = http.createServer((_req, res) => {
      arrived();
      void gate.then(() => res.end('finished'));
    });
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    const hp = (held.address() as net.AddressInfo).port;
    const to = forward(backend('held', [{ address: '127.0.0.1', port: hp }]));
    await dp.apply(config([port(A, pa, [listener('ns/gw/a', null, [vhost('*', [rule(to)])])]), httpPort(B, pb)]));
    const inFlight = request({ address: A, port: pa, agent: new CountingAgent() });
    await seen;
    await dp.apply(config([httpPort(B, pb)]));
    assert.equal(await refused(A, pa), true);
    release();
    const a = await inFlight;
    assert.equal(a.status, 200);
    assert.equal(a.body, 'finished');
    assert.equal(a.headers.connection, 'close');
    held.closeAllConnections();
    await new Promise((resolve) => held.close(resolve));
  });

  it('cuts requests still in flight when the grace period of a removed port ends', async () => {
    const quick = createDataPlane({ drainTimeoutMs: 100 });
    const stuck = http.createServer((_req, res) => res.writeHead(200).write('never ends'));
    await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', resolve));
    const sp = (stuck.address() as net.AddressInfo).port;
    const C = '127.0.55.3';
    const pc = await freePort(C);
    const to = forward(backend('stuck', [{ address: '127.0.0.1', port: sp }]));
    await quick.apply(config([port(C, pc, [listener('ns/gw/c', null, [vhost('*', [rule(to)])])])]));
    const cut = new Promise<string>((resolve) => {
      const req = http.request({ host: C, port: pc, agent: false }, (res) => {
        res.on('data', () => undefined);
        res.on('error', () => resolve('cut'));
        res.on('close', () => resolve(res.complete ? 'complete' : 'cut'));
      });
      req.on('error', () => resolve('cut'));
      req.end();
    });
    await new Promise<void>((resolve) => stuck.once('request', () => resolve()));
    await quick.apply(config([]));
    assert.equal(await cut, 'cut');
    await quick.close();
    stuck.closeAllConnections();
    await new Promise((resolve) => stuck.close(resolve));
  });

  it('reports a port it cannot bind and still serves the others', async () => {
    const squatter = net.createServer();
    const taken = await freePort(A);
    await new Promise<void>((resolve) => squatter.listen(taken, A, resolve));
    try {
      const report = await dp.apply(config([httpPort(A, taken), httpPort(B, pb)]));
      assert.deepEqual(report, { listening: [`${B}:${pb}`], failed: [{ key: `${A}:${taken}`, error: 'EADDRINUSE' }] });
      await echo({ address: B, port: pb });
      const bad = await dp.apply(config([httpPort('192.0.2.1', 8080), httpPort(B, pb)]));
      assert.equal(bad.failed[0].key, '192.0.2.1:8080');
      assert.equal(bad.failed[0].error, 'EADDRNOTAVAIL');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('replaces the server of a port whose protocol changes, on the same socket', async () => {
    await dp.apply(config([httpPort(A, pa)]));
    const httpsConfig = config([
      port(A, pa, [{ ...listener('ns/gw/https', null, [vhost('*', [])]), scheme: 'https', tls: { certificateIds: ['none'] } }], 'HTTPS'),
    ]);
    await dp.apply(httpsConfig);
    // No certificate is configured: the plain HTTP request is not served as HTTP any more.
    await assert.rejects(request({ address: A, port: pa }));
    await dp.apply(config([httpPort(A, pa)]));
    await echo({ address: A, port: pa });
  });
});
