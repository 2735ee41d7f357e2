// Rule retries (spec: HTTPRouteRetry) as a client and its backends see them: listed statuses, reset
// connections and attempts that ran out of their backendRequest timeout (spec: HTTPRouteTimeouts, which
// bounds each backend request) are retried up to `attempts` times, other statuses and big streamed bodies
// are not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RetryConfig, RouteRuleConfig } from '../../src/config/types.ts';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, forward, rule, simple } from './builder.ts';
import { freePort, request } from './helpers.ts';
import { startRecorder } from './recorder.ts';
import type { Answerer, Recorder } from './recorder.ts';

const ADDRESS = '127.0.62.1';

/** Fails the first `failures` requests carrying the same `id` query parameter with `how`, then answers 200. */
function failFirst(failures: Map<string, number>): Answerer {
  return (_n, req) => {
    const url = new URL(req.url, 'http://x');
    const id = url.searchParams.get('id') ?? '';
    const seen = failures.get(id) ?? 0;
    failures.set(id, seen + 1);
    if (seen < Number(url.searchParams.get('fail') ?? 0)) {
      const how = url.searchParams.get('how') ?? '500';
      return how === 'reset' || how === 'hang' ? how : Number(how);
    }
    return 200;
  };
}

function withRetry(r: RouteRuleConfig, retry: RetryConfig): RouteRuleConfig {
  return { ...r, retry };
}

describe('retry', () => {
  const dp = createDataPlane();
  const counts = new Map<string, number>();
  let b1: Recorder;
  let b2: Recorder;
  let p = 0;
  let id = 0;
  const tries = (key: string): number => counts.get(key) ?? 0;

  before(async () => {
    b1 = await startRecorder('b1', '127.0.0.1', failFirst(counts));
    b2 = await startRecorder('b2', '127.0.0.1', failFirst(counts));
    p = await freePort(ADDRESS);
    const two = backend('b', [
      { address: b1.address, port: b1.port },
      { address: b2.address, port: b2.port },
    ]);
    await dp.apply(
      simple(ADDRESS, p, [
        withRetry(rule(forward(two), { path: '/retry' }), { codes: [500, 503], attempts: 2, backoffMs: 1 }),
        rule(forward(two), { path: '/plain' }),
        {
          ...withRetry(rule(forward(two), { path: '/per-attempt' }), { codes: [500], attempts: 2, backoffMs: 1 }),
          timeouts: { request: 10_000, backendRequest: 200 },
        },
      ]),
    );
  });

  after(async () => {
    await dp.close();
    await Promise.all([b1.close(), b2.close()]);
  });

  const send = (path: string, body?: string) =>
    request({ address: ADDRESS, port: p, path, method: body === undefined ? 'GET' : 'POST', body });

  it('succeeds after failures within the attempts, spreading attempts over the endpoints', async () => {
    const key = `a${id++}`;
    const a = await send(`/retry?id=${key}&fail=2&how=500`);
    assert.equal(a.status, 200);
    assert.equal(tries(key), 3);
    const hits = [b1, b2].map((b) => b.requests.filter((r) => r.url.includes(`id=${key}&`)).length);
    assert.ok(hits[0] > 0 && hits[1] > 0, `attempts per endpoint: ${hits.join(', ')}`);
  });

  it('gives up after attempts retries and passes the last answer on', async () => {
    const key = `a${id++}`;
    const a = await send(`/retry?id=${key}&fail=5&how=503`);
    assert.equal(a.status, 503);
    assert.equal(tries(key), 3);
  });

  it('does not retry a status that is not listed', async () => {
    const key = `a${id++}`;
    const a = await send(`/retry?id=${key}&fail=1&how=502`);
    assert.equal(a.status, 502);
    assert.equal(tries(key), 1);
  });

  it('retries a connection reset before any answer', async () => {
    const key = `a${id++}`;
    const a = await send(`/retry?id=${key}&fail=2&how=reset`);
    assert.equal(a.status, 200);
    assert.equal(tries(key), 3);
  });

  it('answers 502 when every attempt is reset', async () => {
    const key = `a${id++}`;
    const a = await send(`/retry?id=${key}&fail=9&how=reset`);
    assert.equal(a.status, 502);
    assert.equal(tries(key), 3);
  });

  it('sends a small body again with every attempt', async () => {
    const key = `a${id++}`;
    const a = await send(`/retry?id=${key}&fail=1&how=500`, 'payload');
    assert.equal(a.status, 200);
    const bodies = [...b1.requests, ...b2.requests].filter((r) => r.url.includes(`id=${key}&`)).map((r) => r.body);
    assert.deepEqual(bodies, ['payload', 'payload']);
  });

  it('does not retry a body too big to buffer', async () => {
    const key = `a${id++}`;
    const a = await send(`/retry?id=${key}&fail=1&how=500`, 'x'.repeat(200_000));
    assert.equal(a.status, 500);
    assert.equal(tries(key), 1);
  });

  it('does not retry without a retry policy', async () => {
    const key = `a${id++}`;
    const a = await send(`/plain?id=${key}&fail=1&how=500`);
    assert.equal(a.status, 500);
    assert.equal(tries(key), 1);
  });

  it('limits each attempt by backendRequest and retries one that ran out of it', async () => {
    const key = `a${id++}`;
    const a = await send(`/per-attempt?id=${key}&fail=2&how=hang`);
    assert.equal(a.status, 200);
    assert.equal(tries(key), 3);
  });

  it('answers 504 when every attempt runs out of its backendRequest time', async () => {
    const key = `a${id++}`;
    const a = await send(`/per-attempt?id=${key}&fail=9&how=hang`);
    assert.equal(a.status, 504);
    assert.equal(tries(key), 3);
  });
});
