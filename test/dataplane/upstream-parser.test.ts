// The answer parser on its own: what a head becomes (status, end-to-end headers, framing, keep-alive) and
// how chunked bodies decode whatever way they are split.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BODY_CHUNKED, BODY_CLOSE, BODY_LENGTH, BODY_NONE, ChunkedDecoder, parseHead } from '../../src/dataplane/http/upstream/h1-parser.ts';
import type { ResponseHead } from '../../src/dataplane/http/upstream/h1-parser.ts';

function head(text: string, headRequest = false): ResponseHead {
  const h = parseHead(text, headRequest);
  if (typeof h === 'string') throw new Error(h);
  return h;
}

describe('upstream answer parser', () => {
  it('keeps end-to-end headers as sent and drops hop-by-hop ones and those Connection names', () => {
    const h = head(
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\n' +
        'X-Hop: secret\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length:  12 \r\nX-Empty:\r\n',
    );
    assert.equal(h.status, 200);
    assert.equal(h.reason, 'OK');
    assert.deepEqual(h.headers, ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Length', '12', 'X-Empty', '']);
    assert.equal(h.framing, BODY_LENGTH);
    assert.equal(h.contentLength, 12);
    assert.equal(h.keepAlive, true);
  });

  const cases: [string, string, boolean, number, boolean][] = [
    // [what, head, HEAD request, framing, keep-alive]
    ['chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', false, BODY_CHUNKED, true],
    ['no length', 'HTTP/1.1 200 OK\r\nX: y', false, BODY_CLOSE, false],
    ['Connection: close', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1', false, BODY_LENGTH, false],
    ['HTTP/1.0', 'HTTP/1.0 200 OK\r\nContent-Length: 1', false, BODY_LENGTH, false],
    ['HTTP/1.0 keep-alive', 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1', false, BODY_LENGTH, true],
    ['HEAD', 'HTTP/1.1 200 OK\r\nContent-Length: 99', true, BODY_NONE, true],
    ['204', 'HTTP/1.1 204 No Content', false, BODY_NONE, true],
    ['304', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 99', false, BODY_NONE, true],
    ['repeated equal lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nContent-Length: 3', false, BODY_LENGTH, true],
    ['no reason', 'HTTP/1.1 200\r\nContent-Length: 0', false, BODY_LENGTH, true],
  ];
  for (const [what, text, headRequest, framing, keepAlive] of cases) {
    it(`frames ${what}`, () => {
      const h = head(text, headRequest);
      assert.equal(h.framing, framing);
      assert.equal(h.keepAlive, keepAlive);
    });
  }

  it('decodes a chunked body split at every byte the same as in one piece', () => {
    const body = Buffer.from('4;x=y\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: t\r\n\r\nNEXT');
    for (const step of [body.length, 1, 2, 5]) {
      const d = new ChunkedDecoder();
      const out: Buffer[] = [];
      const sink = { chunkData: (c: Buffer) => out.push(Buffer.from(c)) };
      let end = -1;
      for (let i = 0; i < body.length && !d.done; i += step) {
        const piece = body.subarray(i, i + step);
        const r = d.decode(piece, 0, sink);
        assert.ok(r >= 0);
        if (d.done) end = i + r;
      }
      assert.equal(Buffer.concat(out).toString(), 'Wikipedia in\r\n\r\nchunks.');
      // The decoder stops right after the body; what follows belongs to no answer.
      assert.equal(body.subarray(end).toString(), 'NEXT');
    }
  });
});
