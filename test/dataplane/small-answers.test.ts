// Small answers (a Content-Length up to SMALL_ANSWER) are collected and sent with their head at once: the
// bytes must arrive exactly as the backend sent them, however it split them, and a short answer must still
// cut the client's connection.
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { SMALL_ANSWER } from '../../src/dataplane/http/upstream/forward.ts';
import { backend, forward, rule, simple } from './builder.ts';
import { freePort } from './helpers.ts';

const ADDRESS = '127.0.64.1';

/** Every byte value, repeated up to `size` bytes. */
function bytes(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7 + 3) & 255;
  return b;
}

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(port: number, path: string, agent: http.Agent | false = false, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: ADDRESS, port, path, method, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('aborted', () => reject(new Error('aborted')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('small answers', () => {
  const dp = createDataPlane();
  let upstream: http.Server;
  let p = 0;

  before(async () => {
    // /split/N: N bytes with a Content-Length, written in three pieces on separate ticks.
    // /short: declares 10 bytes, sends 4 and resets the connection.
    upstream = http.createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/short') {
        res.writeHead(200, { 'content-length': '10' });
        res.write('abcd', () => res.destroy());
        return;
      }
      const n = Number(url.slice('/split/'.length));
      const body = bytes(n);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(n) });
      if (req.method === 'HEAD') return void res.end();
      const third = Math.floor(n / 3);
      res.write(body.subarray(0, third));
      setImmediate(() => {
        res.write(body.subarray(third, 2 * third));
        setImmediate(() => res.end(body.subarray(2 * third)));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const ep = [{ address: '127.0.0.1', port: (upstream.address() as net.AddressInfo).port }];
    p = await freePort(ADDRESS);
    await dp.apply(simple(ADDRESS, p, [rule(forward(backend('up', ep)), { path: '/' })]));
  });

  after(async () => {
    await dp.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('passes every byte of an answer sent in pieces, at, below and above the collecting limit', async () => {
    for (const n of [1, 2, 255, 1000, SMALL_ANSWER - 1, SMALL_ANSWER, SMALL_ANSWER + 1, 4 * SMALL_ANSWER]) {
      const a = await get(p, `/split/${n}`);
      assert.equal(a.status, 200);
      assert.equal(a.headers['content-length'], String(n));
      assert.equal(a.headers['content-type'], 'application/octet-stream');
      assert.ok(a.body.equals(bytes(n)), `answer of ${n} bytes arrived changed`);
    }
  });

  it('keeps a keep-alive connection usable across many small answers', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 1; i <= 20; i++) {
        const a = await get(p, `/split/${i * 37}`, agent);
        assert.ok(a.body.equals(bytes(i * 37)));
      }
    } finally {
      agent.destroy();
    }
  });

  it('answers HEAD with the length and no body', async () => {
    const a = await get(p, '/split/500', false, 'HEAD');
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-length'], '500');
    assert.equal(a.body.length, 0);
  });

  it('cuts the client connection when the backend sends less than it declared', async () => {
    await assert.rejects(get(p, '/short'));
  });
});
