// How the HTTP/1.1 upstream client reads answers (RFC 9112 §6-7): Content-Length, chunked (split anywhere,
// with extensions and trailers), close-delimited, no body for HEAD, 204 and 304, informational answers
// skipped, and the framing headers the client gets are its own, not the backend's.
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from './helpers.ts';
import { rawBehindGateway } from './raw-behind-gateway.ts';
import type { RawBehindGateway } from './raw-behind-gateway.ts';
import type { RawBackend, RawRequest } from './raw-backend.ts';

const ADDRESS = '127.0.71.1';
const BACKEND = '127.0.71.2';

/** Writes `parts` one per tick, so that the proxy reads them as separate chunks. */
function writeApart(socket: net.Socket, parts: (string | Buffer)[], end = false): void {
  const next = (i: number): void => {
    if (socket.destroyed) return;
    if (i === parts.length) {
      if (end) socket.end();
      return;
    }
    socket.write(parts[i], () => setImmediate(next, i + 1));
  };
  next(0);
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n' +
  '5;name=value\r\nhello\r\n6\r\n world\r\nA\r\n, chunked!\r\n0\r\nX-Checksum: 42\r\n\r\n';

function answer(req: RawRequest, socket: net.Socket): void {
  switch (req.target) {
    case '/length':
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Upstream: yes\r\n\r\nhello');
      return;
    case '/chunked':
      socket.write(CHUNKED);
      return;
    case '/chunked-split': {
      // Every boundary a parser can trip on: inside the head, the size line, the data and the trailers.
      const bytes = Buffer.from(CHUNKED);
      const parts: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += 3) parts.push(bytes.subarray(i, i + 3));
      writeApart(socket, parts);
      return;
    }
    case '/close-delimited':
      writeApart(socket, ['HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ', 'the connection ', 'closes'], true);
      return;
    case '/head':
      // A HEAD answer announces the length of the GET answer, without a body.
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/plain\r\n\r\n');
      return;
    case '/no-content':
      socket.write('HTTP/1.1 204 No Content\r\nX-Upstream: yes\r\n\r\n');
      return;
    case '/not-modified':
      socket.write('HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 99\r\n\r\n');
      return;
    case '/informational':
      writeApart(socket, [
        'HTTP/1.1 100 Continue\r\n\r\n',
        'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 7\r\n',
        '\r\ncreated',
      ]);
      return;
    case '/http10':
      socket.end('HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nold!');
      return;
    default:
      socket.write('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
  }
}

describe('upstream framing', () => {
  let gw: RawBehindGateway;
  let raw: RawBackend;
  let p = 0;

  before(async () => {
    gw = await rawBehindGateway(answer, BACKEND, ADDRESS);
    ({ raw, port: p } = gw);
  });

  after(() => gw.close());

  const get = (path: string, method = 'GET') => request({ address: ADDRESS, port: p, path, method });

  it('passes a Content-Length answer on with its headers', async () => {
    const a = await get('/length');
    assert.equal(a.status, 200);
    assert.equal(a.body, 'hello');
    assert.equal(a.headers['content-length'], '5');
    assert.equal(a.headers['x-upstream'], 'yes');
  });

  it('decodes a chunked answer, in one piece or split anywhere, and drops its trailers', async () => {
    for (const path of ['/chunked', '/chunked-split']) {
      const a = await get(path);
      assert.equal(a.status, 200, path);
      assert.equal(a.body, 'hello world, chunked!', path);
      assert.equal(a.headers['content-type'], 'text/plain');
      // The backend's Trailer and trailer fields are hop-by-hop (RFC 9110 §6.5); the client's framing is ours.
      assert.equal(a.headers.trailer, undefined);
      assert.equal(a.headers['x-checksum'], undefined);
    }
  });

  it('reads a body without length until the backend closes the connection', async () => {
    const a = await get('/close-delimited');
    assert.equal(a.status, 200);
    assert.equal(a.body, 'until the connection closes');
  });

  it('reads no body after a HEAD answer, a 204 or a 304, and keeps the connection', async () => {
    const before = raw.connections;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const head = await request({ address: ADDRESS, port: p, path: '/head', method: 'HEAD', agent });
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], '1234');
      assert.equal(head.body, '');
      const noContent = await request({ address: ADDRESS, port: p, path: '/no-content', agent });
      assert.equal(noContent.status, 204);
      assert.equal(noContent.headers['x-upstream'], 'yes');
      const notModified = await request({ address: ADDRESS, port: p, path: '/not-modified', agent });
      assert.equal(notModified.status, 304);
      assert.equal(notModified.headers.etag, '"v1"');
      // Had a body been expected after any of them, the next answer would have been read as that body.
      const after = await request({ address: ADDRESS, port: p, path: '/length', agent });
      assert.equal(after.body, 'hello');
    } finally {
      agent.destroy();
    }
    assert.ok(raw.connections - before <= 1, `${raw.connections - before} connections for four sequential requests`);
  });

  it('skips 100 Continue and 103 Early Hints before the final answer', async () => {
    const a = await get('/informational');
    assert.equal(a.status, 201);
    assert.equal(a.body, 'created');
  });

  it('reads an HTTP/1.0 answer and does not keep its connection', async () => {
    const a = await get('/http10');
    assert.equal(a.status, 200);
    assert.equal(a.body, 'old!');
  });
});
