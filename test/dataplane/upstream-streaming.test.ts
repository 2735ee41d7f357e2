// Large bodies stream through the proxy in both directions with backpressure: a reader that stops holds the
// writer back on the other side instead of the proxy buffering everything. A client that goes away
// mid-answer ends the upstream request and its connection.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, forward, rule, simple } from './builder.ts';
import { freePort } from './helpers.ts';
import { startRawBackend } from './raw-backend.ts';
import type { RawBackend } from './raw-backend.ts';

const ADDRESS = '127.0.74.1';
const BACKEND = '127.0.74.2';
const MiB = 1024 * 1024;
/** More than every socket and stream buffer on the way can hold together. */
const BIG = 48 * MiB;

/** A deterministic block of bytes; the body is this block repeated. */
const BLOCK = Buffer.alloc(64 * 1024, 'abcdefghijklmnopqrstuvwxyz0123456789');

/** Waits until `read()` stops changing (the writer is held back), polling a few times. */
async function settled(read: () => number): Promise<number> {
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const now = read();
    if (now === last) return now;
    last = now;
    await sleep(100);
  }
  return read();
}

/** Writes `total` bytes of BLOCK to `w`, waiting for 'drain' when asked; `written` counts them. */
async function writeBig(w: NodeJS.WritableStream, total: number, counter: { written: number }): Promise<void> {
  while (counter.written < total) {
    counter.written += BLOCK.length;
    if (!w.write(BLOCK)) await new Promise((resolve) => w.once('drain', resolve));
  }
}

function bigHash(total: number): string {
  const h = createHash('sha256');
  for (let n = 0; n < total; n += BLOCK.length) h.update(BLOCK);
  return h.digest('hex');
}

describe('upstream streaming', () => {
  const dp = createDataPlane();
  let server: http.Server;
  let raw: RawBackend;
  let p = 0;
  const sent = { written: 0 };
  /** Lets the upload backend read the body it holds back. */
  let releaseUpload: () => void = () => undefined;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/download') {
        // Content-Length declared, so the proxy streams it rather than collect it as a small answer.
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BIG) });
        void writeBig(res, BIG, sent).then(() => res.end());
        return;
      }
      if (req.url === '/upload') {
        // Reads nothing until the test says so, then hashes the body.
        req.pause();
        releaseUpload = () => {
          const h = createHash('sha256');
          let length = 0;
          req.on('data', (c: Buffer) => {
            length += c.length;
            h.update(c);
          });
          req.on('end', () => res.end(JSON.stringify({ length, sha256: h.digest('hex'), te: req.headers['transfer-encoding'] ?? null })));
          req.resume();
        };
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, BACKEND, resolve));
    const port = (server.address() as net.AddressInfo).port;
    // Answers the head and part of a long body, then waits: the client leaves in the middle.
    raw = await startRawBackend((_req, socket) => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${BIG}\r\n\r\n${'x'.repeat(1000)}`), BACKEND);
    p = await freePort(ADDRESS);
    await dp.apply(
      simple(ADDRESS, p, [
        rule(forward(backend('raw', [{ address: raw.address, port: raw.port }])), { path: '/abandoned' }),
        rule(forward(backend('node', [{ address: BACKEND, port }]))),
      ]),
    );
  });

  after(async () => {
    await dp.close();
    await raw.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('holds a backend answer back while the client does not read, then delivers every byte', async () => {
    sent.written = 0;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.get({ host: ADDRESS, port: p, path: '/download', agent: false }, resolve);
      req.on('error', reject);
    });
    res.pause();
    const held = await settled(() => sent.written);
    assert.ok(held < BIG / 2, `the backend wrote ${held} bytes to a client that read none`);
    const h = createHash('sha256');
    let length = 0;
    res.on('data', (c: Buffer) => {
      length += c.length;
      h.update(c);
    });
    const ended = new Promise((resolve) => res.on('end', resolve));
    res.resume();
    await ended;
    assert.equal(length, BIG);
    assert.equal(h.digest('hex'), bigHash(BIG));
  });

  for (const framing of ['chunked', 'content-length'] as const) {
    it(`holds a ${framing} request body back while the backend does not read, then delivers every byte`, async () => {
      const counter = { written: 0 };
      const headers: Record<string, string> = framing === 'content-length' ? { 'content-length': String(BIG) } : {};
      const req = http.request({ host: ADDRESS, port: p, path: '/upload', method: 'POST', headers, agent: false });
      const answer = new Promise<string>((resolve, reject) => {
        req.on('response', (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
      });
      const writing = writeBig(req, BIG, counter).then(() => req.end());
      const held = await settled(() => counter.written);
      assert.ok(held < BIG / 2, `the client wrote ${held} bytes to a backend that read none`);
      releaseUpload();
      await writing;
      const got = JSON.parse(await answer) as { length: number; sha256: string; te: string | null };
      assert.equal(got.length, BIG);
      assert.equal(got.sha256, bigHash(BIG));
      // Without a length from the client the body goes upstream chunked; with one, as it is.
      assert.equal(got.te, framing === 'chunked' ? 'chunked' : null);
    });
  }

  it('ends the upstream connection when the client leaves mid-answer', async () => {
    const closed = raw.closedOne();
    const socket = net.connect({ host: ADDRESS, port: p });
    socket.write(`GET /abandoned HTTP/1.1\r\nhost: x\r\n\r\n`);
    // Leave once the first body bytes arrived.
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.destroy();
    await closed;
  });
});
