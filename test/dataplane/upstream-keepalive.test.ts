// Upstream connections are kept alive and reused, one request at a time; a connection the backend closed
// while idle, or closes as the next request arrives, costs the client nothing; `Connection: close` and
// answers with extra bytes end the connection.
import assert from 'node:assert/strict';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from './helpers.ts';
import { rawBehindGateway } from './raw-behind-gateway.ts';
import type { RawBehindGateway } from './raw-behind-gateway.ts';
import type { RawBackend, RawRequest } from './raw-backend.ts';

const ADDRESS = '127.0.73.1';
const BACKEND = '127.0.73.2';

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

function answer(req: RawRequest, socket: net.Socket): void {
  const [path, query] = req.target.split('?');
  switch (path) {
    case '/close':
      socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
      return;
    case '/then-idle-close':
      // Keep-alive answer, then the backend's own idle timeout closes the connection.
      socket.write(OK, () => setImmediate(() => socket.end()));
      return;
    case '/stale':
      // The connection was kept alive by an earlier request; the backend closes it instead of answering
      // this one, as a server whose idle timeout fired just as the request arrived does.
      if (req.nth > 1) socket.end();
      else socket.write(OK);
      return;
    case '/extra':
      socket.write(`${OK}HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n`);
      return;
    case '/body':
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${req.body.length}\r\nX-Method: ${req.method}\r\nX-Length: ${req.headers['content-length'] ?? '-'}\r\n\r\n`);
      socket.write(req.body);
      return;
    default:
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${(query ?? '').length}\r\n\r\n${query ?? ''}`);
  }
}

describe('upstream keep-alive', () => {
  let gw: RawBehindGateway;
  let raw: RawBackend;
  let p = 0;

  before(async () => {
    gw = await rawBehindGateway(answer, BACKEND, ADDRESS);
    ({ raw, port: p } = gw);
  });

  after(() => gw.close());

  const get = (path: string, method = 'GET', body?: string) => request({ address: ADDRESS, port: p, path, method, body });

  it('sends sequential requests over one kept-alive connection', async () => {
    // Whatever earlier requests left idle is used first; from there on no connection is opened.
    await get('/warm');
    const before = raw.connections;
    for (let i = 0; i < 10; i++) {
      const a = await get(`/seq?n=${i}`);
      assert.equal(a.body, `n=${i}`);
    }
    assert.equal(raw.connections, before);
  });

  it('opens as many connections as requests run at once, then reuses them', async () => {
    const before = raw.connections;
    const first = await Promise.all(Array.from({ length: 5 }, (_, i) => get(`/par?i=${i}`)));
    assert.deepEqual(first.map((a) => a.body), ['i=0', 'i=1', 'i=2', 'i=3', 'i=4']);
    const opened = raw.connections - before;
    assert.ok(opened >= 1 && opened <= 5, `${opened} connections`);
    await Promise.all(Array.from({ length: 5 }, (_, i) => get(`/par?j=${i}`)));
    assert.equal(raw.connections - before, opened);
  });

  it('does not reuse a connection the backend asked to close', async () => {
    await get('/warm');
    const closed = raw.closedOne();
    const a = await get('/close');
    assert.equal(a.body, 'ok');
    // The proxy closed it as soon as the answer was read, so the backend sees it close.
    await closed;
    assert.equal((await get('/after-close?x')).body, 'x');
  });

  it('serves the next request after the backend closed an idle connection', async () => {
    const closed = raw.closedOne();
    assert.equal((await get('/then-idle-close')).body, 'ok');
    await closed;
    assert.equal((await get('/after-idle-close?y')).body, 'y');
  });

  it('sends an idempotent request again when its kept-alive connection closes before any answer', async () => {
    const a = await get('/stale');
    assert.equal(a.body, 'ok');
    // Sent on the same connection (its 2nd request): the backend closes it, and a fresh one answers.
    const before = raw.connections;
    const b = await get('/stale');
    assert.equal(b.status, 200);
    assert.equal(b.body, 'ok');
    assert.equal(raw.connections, before + 1);
  });

  it('does not send a request with a body twice', async () => {
    assert.equal((await get('/stale')).status, 200);
    const before = raw.requests;
    const a = await get('/stale', 'POST', 'data');
    assert.equal(a.status, 502);
    assert.equal(raw.requests, before + 1);
  });

  it('does not reuse a connection on which an answer was followed by bytes nobody asked for', async () => {
    await get('/warm');
    const closed = raw.closedOne();
    assert.equal((await get('/extra')).body, 'ok');
    await closed;
  });

  it('sends bodies with their length; an empty POST is announced as such', async () => {
    const a = await get('/body', 'POST', 'some data');
    assert.equal(a.body, 'some data');
    assert.equal(a.headers['x-length'], '9');
    const empty = await get('/body', 'POST');
    assert.equal(empty.headers['x-length'], '0');
    assert.equal(empty.headers['x-method'], 'POST');
  });
});
