// The HTTP/1.1 pool of one endpoint on its own: a cap on connections with requests waiting in order, idle
// connections closed after the keep-alive time, aborts while waiting, requests it refuses to write, and
// close() waiting for the requests in flight.
import assert from 'node:assert/strict';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { UPSTREAM_READ_TIMEOUT } from '../../src/dataplane/http/upstream/dispatch.ts';
import type { UpstreamController, UpstreamHandler, UpstreamRequest } from '../../src/dataplane/http/upstream/dispatch.ts';
import { H1Pool } from '../../src/dataplane/http/upstream/h1-pool.ts';
import { startRawBackend } from './raw-backend.ts';
import type { RawBackend, RawRequest } from './raw-backend.ts';

const BACKEND = '127.0.76.2';

interface Result {
  status: number;
  headers: string[];
  body: string;
}

/** Collects one answer; `onStart` sees the controller as soon as the pool has the request. */
class Collector implements UpstreamHandler {
  readonly done: Promise<Result>;
  private resolve!: (r: Result) => void;
  private reject!: (e: Error) => void;
  private result: Result = { status: 0, headers: [], body: '' };
  controller: UpstreamController | null = null;

  constructor() {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  onRequestStart(c: UpstreamController): void {
    this.controller = c;
  }
  onResponseStart(_c: UpstreamController, status: number, headers: string[]): void {
    this.result.status = status;
    this.result.headers = headers;
  }
  onResponseData(_c: UpstreamController, chunk: Buffer): void {
    this.result.body += chunk.toString('latin1');
  }
  onResponseEnd(): void {
    this.resolve(this.result);
  }
  onResponseError(_c: UpstreamController, err: Error): void {
    this.reject(err);
  }
}

function get(path: string, headers: string[] = ['host', 'pool.test']): UpstreamRequest {
  return { method: 'GET', path, headers, body: null, idempotent: true };
}

describe('upstream pool', () => {
  let raw: RawBackend;
  /** Answers held back by the backend until the test releases them. */
  const held: (() => void)[] = [];
  let heldArrived: () => void = () => undefined;

  before(async () => {
    raw = await startRawBackend((req: RawRequest, socket: net.Socket) => {
      const send = (): void => void socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${req.target.length}\r\n\r\n${req.target}`);
      if (req.target === '/silent') return;
      if (req.target === '/trickle') {
        // Eight chunks 60 ms apart: longer in all than the read timeout of the test, never silent that long.
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        let n = 0;
        const timer = setInterval(() => {
          if (socket.destroyed) return clearInterval(timer);
          if (++n <= 8) socket.write('1\r\nx\r\n');
          else {
            clearInterval(timer);
            socket.write('0\r\n\r\n');
          }
        }, 60);
        return;
      }
      if (req.target.startsWith('/hold')) {
        held.push(send);
        heldArrived();
      } else send();
    }, BACKEND);
  });

  after(async () => {
    await raw.close();
  });

  it('opens at most maxConnections and serves the others in order as connections free up', async () => {
    const pool = new H1Pool(`${raw.address}:${raw.port}`, { maxConnections: 2 });
    const before = raw.connections;
    const collectors = Array.from({ length: 6 }, () => new Collector());
    const twoArrived = new Promise<void>((resolve) => (heldArrived = () => held.length >= 2 && resolve()));
    collectors.forEach((c, i) => pool.dispatch(get(`/hold/${i}`), c));
    await twoArrived;
    assert.equal(pool.connections, 2);
    // Each answer released lets the next waiting request through, until all six are answered.
    heldArrived = () => held.shift()!();
    while (held.length > 0) held.shift()!();
    const results = await Promise.all(collectors.map((c) => c.done));
    assert.deepEqual(results.map((r) => r.body), ['/hold/0', '/hold/1', '/hold/2', '/hold/3', '/hold/4', '/hold/5']);
    assert.equal(raw.connections - before, 2);
    heldArrived = () => undefined;
    await pool.close();
  });

  it('drops a waiting request that was aborted, without sending it', async () => {
    const pool = new H1Pool(`${raw.address}:${raw.port}`, { maxConnections: 1 });
    const arrived = new Promise<void>((resolve) => (heldArrived = resolve));
    const first = new Collector();
    const waiting = new Collector();
    pool.dispatch(get('/hold/first'), first);
    pool.dispatch(get('/never-sent'), waiting);
    await arrived;
    const requestsBefore = raw.requests;
    waiting.controller!.abort(new Error('gave up'));
    await assert.rejects(waiting.done, /gave up/);
    held.shift()!();
    assert.equal((await first.done).body, '/hold/first');
    const next = new Collector();
    pool.dispatch(get('/next'), next);
    assert.equal((await next.done).body, '/next');
    // Only /next reached the backend after the abort.
    assert.equal(raw.requests, requestsBefore + 1);
    heldArrived = () => undefined;
    await pool.close();
  });

  it('closes idle connections after the keep-alive time', async () => {
    const pool = new H1Pool(`${raw.address}:${raw.port}`, { keepAliveMs: 50 });
    const c = new Collector();
    pool.dispatch(get('/idle'), c);
    assert.equal((await c.done).body, '/idle');
    assert.equal(pool.connections, 1);
    // The sweep closes it a little after 50 ms; the test waits for as long as that takes.
    while (pool.connections > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await pool.close();
  });

  it('refuses to write a header value that would split the request', async () => {
    const pool = new H1Pool(`${raw.address}:${raw.port}`);
    const requestsBefore = raw.requests;
    const c = new Collector();
    pool.dispatch(get('/bad', ['host', 'x', 'x-evil', 'a\r\nx-injected: 1']), c);
    await assert.rejects(c.done, (err: Error & { code?: string }) => err.code === 'UPSTREAM_BAD_REQUEST');
    const ok = new Collector();
    pool.dispatch(get('/fine'), ok);
    assert.equal((await ok.done).body, '/fine');
    assert.equal(raw.requests, requestsBefore + 1);
    await pool.close();
  });

  it('fills in the Host from the endpoint when the request has none', async () => {
    const seen = await startRawBackend((req, socket) => {
      const host = req.headers.host ?? '';
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${host.length}\r\n\r\n${host}`);
    }, BACKEND);
    const pool = new H1Pool(`${seen.address}:${seen.port}`);
    const c = new Collector();
    pool.dispatch(get('/', []), c);
    assert.equal((await c.done).body, `${seen.address}:${seen.port}`);
    await pool.close();
    await seen.close();
  });

  it('lets close() wait for the request in flight', async () => {
    const pool = new H1Pool(`${raw.address}:${raw.port}`);
    const arrived = new Promise<void>((resolve) => (heldArrived = resolve));
    const c = new Collector();
    pool.dispatch(get('/hold/last'), c);
    await arrived;
    let closed = false;
    const closing = pool.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, false);
    held.shift()!();
    assert.equal((await c.done).body, '/hold/last');
    await closing;
    assert.equal(pool.connections, 0);
    heldArrived = () => undefined;
  });

  it('fails a request whose backend goes silent for the read timeout, and closes that connection', { timeout: 10_000 }, async () => {
    const pool = new H1Pool(`${raw.address}:${raw.port}`, { readTimeoutMs: 150 });
    const c = new Collector();
    const closed = raw.closedOne();
    pool.dispatch(get('/silent'), c);
    await assert.rejects(c.done, (err: Error & { code?: string }) => {
      assert.equal(err.code, UPSTREAM_READ_TIMEOUT);
      return true;
    });
    await closed;
    await pool.close();
  });

  it('lets an answer that keeps sending run longer than the read timeout', async () => {
    const pool = new H1Pool(`${raw.address}:${raw.port}`, { readTimeoutMs: 150 });
    const c = new Collector();
    pool.dispatch(get('/trickle'), c);
    assert.equal((await c.done).body, 'xxxxxxxx');
    await pool.close();
  });
});
