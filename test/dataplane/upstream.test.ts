// Forwarding: weights, endpoint round robin, failure statuses, X-Forwarded-*, hop-by-hop headers, bodies.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, forward, rule, simple } from './builder.ts';
import { echo, freePort, received, request, startBackend } from './helpers.ts';
import type { Backend } from './helpers.ts';

const ADDRESS = '127.0.53.1';

describe('upstream', () => {
  const dp = createDataPlane();
  const bs: Backend[] = [];
  let p = 0;
  let deadPort = 0;
  let bodyServer: http.Server;
  let bodyPort = 0;
  let abortSeen: Promise<void>;

  before(async () => {
    for (const n of ['v1', 'v2', 'v3', 'e1', 'e2']) bs.push(await startBackend(n));
    const ep = (i: number) => [{ address: bs[i].address, port: bs[i].port }];
    deadPort = await freePort('127.0.0.1');
    let signalAbort: () => void = () => undefined;
    abortSeen = new Promise((resolve) => (signalAbort = resolve));
    // Streams request bodies back, and announces when a client left mid-answer.
    bodyServer = http.createServer((req, res) => {
      if (req.url === '/hang') {
        res.writeHead(200);
        res.write('partial');
        res.on('close', () => signalAbort());
        return;
      }
      if (req.url === '/silent') return; // never answers
      if (req.url === '/garbage') {
        req.socket.end('this is not HTTP\r\n\r\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'keep-alive': 'timeout=5', 'x-hop': 'drop me', connection: 'x-hop' });
      req.pipe(res);
    });
    await new Promise<void>((resolve) => bodyServer.listen(0, '127.0.0.1', resolve));
    bodyPort = (bodyServer.address() as net.AddressInfo).port;
    p = await freePort(ADDRESS);
    await dp.apply(
      simple(ADDRESS, p, [
        rule(forward(backend('v1', ep(0), 70), backend('v2', ep(1), 30), backend('v3', ep(2), 0)), { path: '/weights' }),
        rule(forward(backend('e', [...ep(3), ...ep(4)])), { path: '/endpoints' }),
        rule(forward(backend('v1', ep(0), 1), backend('bad', null, 1)), { path: '/half-invalid' }),
        rule(forward(backend('bad', null)), { path: '/invalid' }),
        rule(forward(backend('empty', [])), { path: '/empty' }),
        rule(forward(backend('dead', [{ address: '127.0.0.1', port: deadPort }])), { path: '/dead' }),
        rule(forward(backend('body', [{ address: '127.0.0.1', port: bodyPort }])), { path: '/body' }),
        rule(forward(backend('body', [{ address: '127.0.0.1', port: bodyPort }])), { path: '/hang' }),
        rule(forward(backend('body', [{ address: '127.0.0.1', port: bodyPort }])), { path: '/garbage' }),
        {
          ...rule(forward(backend('body', [{ address: '127.0.0.1', port: bodyPort }])), { path: '/silent' }),
          timeouts: { request: 2000, backendRequest: 150 },
        },
        rule(forward(backend('v3', ep(2))), { path: '/' }),
      ]),
    );
  });

  after(async () => {
    await dp.close();
    await Promise.all(bs.map((b) => b.close()));
    bodyServer.closeAllConnections();
    await new Promise((resolve) => bodyServer.close(resolve));
  });

  it('shares requests by weight; a weight 0 backend gets none', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const counts: Record<string, number> = {};
    const N = 1000;
    for (let i = 0; i < N; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, () => echo({ address: ADDRESS, port: p, path: '/weights', agent })),
      );
      for (const e of batch) counts[e.backend] = (counts[e.backend] ?? 0) + 1;
    }
    agent.destroy();
    assert.deepEqual(Object.keys(counts).sort(), ['v1', 'v2']);
    assert.ok(Math.abs(counts.v1 / N - 0.7) < 0.05, JSON.stringify(counts));
  });

  it('round-robins across endpoints', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push((await echo({ address: ADDRESS, port: p, path: '/endpoints' })).backend);
    assert.deepEqual(seen.sort(), ['e1', 'e1', 'e2', 'e2']);
  });

  it('answers 500 for the share of an invalid backend, 503 without endpoints, 502 when the backend fails', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await request({ address: ADDRESS, port: p, path: '/half-invalid' })).status);
    assert.equal(statuses.filter((s) => s === 500).length, 5);
    assert.equal(statuses.filter((s) => s === 200).length, 5);
    assert.equal((await request({ address: ADDRESS, port: p, path: '/invalid' })).status, 500);
    assert.equal((await request({ address: ADDRESS, port: p, path: '/empty' })).status, 503);
    const dead = await request({ address: ADDRESS, port: p, path: '/dead' });
    assert.equal(dead.status, 502);
    assert.match(dead.headers['content-type'] ?? '', /text\/plain/);
    assert.equal((await request({ address: ADDRESS, port: p, path: '/garbage' })).status, 502);
  });

  it('answers 504 when the backend does not answer within the rule timeout', async () => {
    const a = await request({ address: ADDRESS, port: p, path: '/silent' });
    assert.equal(a.status, 504);
  });

  it('sets X-Forwarded-For, -Proto and -Host and keeps the Host', async () => {
    const e = await echo({ address: ADDRESS, port: p, path: '/', host: 'app.example:81', headers: { 'x-forwarded-for': '10.0.0.1' } });
    assert.deepEqual(received(e, 'x-forwarded-for'), ['10.0.0.1, 127.0.0.1']);
    assert.deepEqual(received(e, 'x-forwarded-proto'), ['http']);
    assert.deepEqual(received(e, 'x-forwarded-host'), ['app.example:81']);
    assert.deepEqual(received(e, 'host'), ['app.example:81']);
  });

  it('drops hop-by-hop request headers', async () => {
    const e = await echo({
      address: ADDRESS,
      port: p,
      path: '/',
      headers: { connection: 'keep-alive, x-private', 'x-private': 'secret', 'proxy-authorization': 'x', te: 'trailers', 'x-kept': '1' },
    });
    assert.deepEqual(received(e, 'x-private'), []);
    assert.deepEqual(received(e, 'proxy-authorization'), []);
    assert.deepEqual(received(e, 'te'), []);
    assert.deepEqual(received(e, 'x-kept'), ['1']);
  });

  it('streams large bodies both ways, chunked and with a length, and drops hop-by-hop answer headers', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 'a');
    const a = await request({ address: ADDRESS, port: p, method: 'POST', path: '/body', body: big, headers: { 'content-length': String(big.length) } });
    assert.equal(a.status, 200);
    assert.equal(a.body.length, big.length);
    assert.equal(a.headers['x-hop'], undefined);
    const chunked = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: ADDRESS, port: p, method: 'PUT', path: '/body', agent: false }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve(Buffer.concat(parts).toString()));
      });
      req.on('error', reject);
      for (let i = 0; i < 100; i++) req.write(`chunk-${i};`);
      req.end();
    });
    assert.equal(chunked, Array.from({ length: 100 }, (_, i) => `chunk-${i};`).join(''));
  });

  it('forwards HEAD without a body and bodies sent after Expect: 100-continue', async () => {
    const head = await request({ address: ADDRESS, port: p, method: 'HEAD', path: '/' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        { host: ADDRESS, port: p, method: 'POST', path: '/body', agent: false, headers: { expect: '100-continue', 'content-length': '5' } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve(Buffer.concat(parts).toString()));
        },
      );
      req.on('continue', () => req.end('hello'));
      req.on('error', reject);
    });
    assert.equal(body, 'hello');
  });

  it('cancels the upstream request when the client goes away', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: ADDRESS, port: p, path: '/hang', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.on('response', () => undefined);
      req.end();
      setTimeout(() => reject(new Error('no answer')), 5000).unref();
    });
    await abortSeen;
  });
});
