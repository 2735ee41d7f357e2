import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { request } from 'node:http';
import { startEchoServer } from '../../src/echo/server.ts';

test('the h2c port echoes HTTP/2 with prior knowledge', async () => {
  const echo = await startEchoServer({ host: '127.0.0.1', port: 0, pod: 'p', h2cPort: 0 });
  try {
    assert.ok(echo.h2cPort !== null && echo.h2cPort > 0);
    const session = connect(`http://127.0.0.1:${echo.h2cPort}`);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':path': '/h2?x=1', ':authority': 'h2.example.com', 'x-test': 'yes' });
        let data = '';
        stream.setEncoding('utf8');
        stream.on('response', (headers) => assert.equal(headers[':status'], 200));
        stream.on('data', (c: string) => (data += c));
        stream.on('end', () => resolve(data));
        stream.on('error', reject);
        stream.end();
      });
      const echoed = JSON.parse(body);
      assert.equal(echoed.proto, 'HTTP/2.0');
      assert.equal(echoed.path, '/h2?x=1');
      assert.equal(echoed.host, 'h2.example.com');
      assert.deepEqual(echoed.headers['X-Test'], ['yes']);
      assert.equal(echoed.pod, 'p');
    } finally {
      session.close();
    }
  } finally {
    await echo.close();
  }
});

test('the h2c port answers plain HTTP/1.1 with 400 and an h2c upgrade request with an echo', async () => {
  const echo = await startEchoServer({ host: '127.0.0.1', port: 0, h2cPort: 0 });
  try {
    const send = (headers: Record<string, string>): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: echo.h2cPort as number, path: '/', headers, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal(await send({}), 400);
    assert.equal(await send({ Upgrade: 'h2c', 'HTTP2-Settings': '' }), 200);
  } finally {
    await echo.close();
  }
});
