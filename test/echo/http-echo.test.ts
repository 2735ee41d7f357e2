import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startEchoServer } from '../../src/echo/server.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  body: string;
}

function get(port: number, path: string, headers: Record<string, string | string[]> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('echoes the request as the official echo server does', async () => {
  const echo = await startEchoServer({ host: '127.0.0.1', port: 0, namespace: 'ns', pod: 'infra-backend-v1-abc', service: 'svc' });
  try {
    const answer = await get(echo.port, '/some/path?x=1&y=2', { Host: 'example.com', 'x-custom': ['a', 'b'], 'USER-agent': 't' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'application/json');
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    const body = JSON.parse(answer.body);
    assert.deepEqual(Object.keys(body), ['path', 'host', 'method', 'proto', 'headers', 'httpPort', 'namespace', 'ingress', 'service', 'pod']);
    assert.equal(body.path, '/some/path?x=1&y=2');
    assert.equal(body.host, 'example.com');
    assert.equal(body.method, 'GET');
    assert.equal(body.proto, 'HTTP/1.1');
    assert.deepEqual(body.headers['X-Custom'], ['a', 'b']);
    assert.deepEqual(body.headers['User-Agent'], ['t']);
    assert.equal(body.headers.Host, undefined, 'Host is not among the headers, as in Go');
    assert.equal(body.httpPort, String(echo.port));
    assert.equal(body.namespace, 'ns');
    assert.equal(body.pod, 'infra-backend-v1-abc');
    assert.equal(body.service, 'svc');
    assert.equal(body.ingress, '');
    assert.equal(echo.requests.length, 1);
    assert.equal(echo.requests[0].path, '/some/path?x=1&y=2');
    assert.equal(echo.requests[0].host, 'example.com');
    assert.deepEqual(echo.requests[0].headers['X-Custom'], ['a', 'b']);
  } finally {
    await echo.close();
  }
});

test('X-Echo-Set-Header sets response headers with the casing given', async () => {
  const echo = await startEchoServer({ host: '127.0.0.1', port: 0 });
  try {
    const answer = await get(echo.port, '/', { 'X-Echo-Set-Header': 'X-Header-Set: set, X-Multi:a,X-Multi:b' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['x-header-set'], 'set');
    assert.equal(answer.headers['x-multi'], 'a,b');
    assert.ok(answer.rawHeaders.includes('X-Header-Set'));
  } finally {
    await echo.close();
  }
});

test('health, status codes and HEAD', async () => {
  const echo = await startEchoServer({ host: '127.0.0.1', port: 0 });
  try {
    const health = await get(echo.port, '/health');
    assert.equal(health.status, 200);
    assert.equal(health.body, 'OK');
    const status = await get(echo.port, '/status/503');
    assert.equal(status.status, 503);
    assert.equal(status.body, '');
    assert.equal((await get(echo.port, '/status/abc')).status, 400);
    assert.equal((await get(echo.port, '/status/200?x=1')).status, 400);
    const head = await get(echo.port, '/', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  } finally {
    await echo.close();
  }
});

test('?delay= waits (Go duration) and a bad duration is a 500', async () => {
  const echo = await startEchoServer({ host: '127.0.0.1', port: 0 });
  try {
    const ok = await get(echo.port, '/x?delay=10ms');
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).path, '/x?delay=10ms');
    const bad = await get(echo.port, '/x?delay=soon');
    assert.equal(bad.status, 500);
    assert.match(JSON.parse(bad.body).message, /invalid duration/);
  } finally {
    await echo.close();
  }
});
