// Answers that break HTTP/1.1 syntax or framing are an upstream failure (502, or a cut connection once the
// head is on its way), never forwarded as a guess and never a crash; their connection is not used again.
import assert from 'node:assert/strict';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from './helpers.ts';
import { rawBehindGateway } from './raw-behind-gateway.ts';
import type { RawBehindGateway } from './raw-behind-gateway.ts';
import type { RawBackend, RawRequest } from './raw-backend.ts';

const ADDRESS = '127.0.72.1';
const BACKEND = '127.0.72.2';

/** What each path answers, byte for byte; every one of them is malformed. */
const MALFORMED: Record<string, string> = {
  '/not-http': 'this is not HTTP\r\n\r\n',
  '/bad-version': 'HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n',
  '/bad-status': 'HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n',
  '/short-status': 'HTTP/1.1 20\r\n\r\n',
  '/conflicting-lengths': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
  '/invalid-length': 'HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\nhello',
  '/negative-length': 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
  '/length-and-chunked': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
  '/unknown-coding': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx',
  '/control-char': 'HTTP/1.1 200 OK\r\nX-Bad: a\x01b\r\nContent-Length: 0\r\n\r\n',
  '/bare-lf-in-value': 'HTTP/1.1 200 OK\r\nX-Bad: a\nb\r\nContent-Length: 0\r\n\r\n',
  '/space-before-colon': 'HTTP/1.1 200 OK\r\nX-Bad : a\r\nContent-Length: 0\r\n\r\n',
  '/folded': 'HTTP/1.1 200 OK\r\nX-Bad: a\r\n b\r\nContent-Length: 0\r\n\r\n',
  '/bad-name': 'HTTP/1.1 200 OK\r\nX(Bad): a\r\nContent-Length: 0\r\n\r\n',
  '/switching': 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n',
  '/huge-head': `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}\r\nContent-Length: 0\r\n\r\n`,
};

/** Bodies whose framing breaks after a valid head: the head is on its way, so the client's connection is cut. */
const BROKEN_BODY: Record<string, string> = {
  '/bad-chunk-size': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
  '/huge-chunk-size': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n',
  '/chunk-without-crlf': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX0\r\n\r\n',
};

function answer(req: RawRequest, socket: net.Socket): void {
  const bytes = MALFORMED[req.target] ?? BROKEN_BODY[req.target];
  if (bytes !== undefined) {
    socket.write(bytes);
    return;
  }
  socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
}

describe('upstream malformed answers', () => {
  let gw: RawBehindGateway;
  let raw: RawBackend;
  let p = 0;

  before(async () => {
    gw = await rawBehindGateway(answer, BACKEND, ADDRESS);
    ({ raw, port: p } = gw);
  });

  after(() => gw.close());

  for (const path of Object.keys(MALFORMED)) {
    it(`answers 502 for ${path.slice(1)}, and the next request is served`, async () => {
      const closed = raw.closedOne();
      const a = await request({ address: ADDRESS, port: p, path });
      assert.equal(a.status, 502, `${path}: ${a.body}`);
      assert.equal(a.body, 'upstream request failed\n');
      // The connection that carried the malformed answer is closed, not returned to the pool.
      await closed;
      const ok = await request({ address: ADDRESS, port: p, path: '/ok' });
      assert.equal(ok.status, 200);
      assert.equal(ok.body, 'ok');
    });
  }

  for (const path of Object.keys(BROKEN_BODY)) {
    it(`cuts the client's connection for ${path.slice(1)}, and the next request is served`, async () => {
      const closed = raw.closedOne();
      await assert.rejects(request({ address: ADDRESS, port: p, path }));
      await closed;
      const ok = await request({ address: ADDRESS, port: p, path: '/ok' });
      assert.equal(ok.body, 'ok');
    });
  }
});
