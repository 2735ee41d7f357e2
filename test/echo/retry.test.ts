import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startEchoServer } from '../../src/echo/server.ts';

function get(port: number, path: string): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

test('/retry/ fails the first succeedAfter attempts per uuid with responseCode, then echoes', async () => {
  const echo = await startEchoServer({ host: '127.0.0.1', port: 0 });
  try {
    const path = '/retry/x?responseCode=503&succeedAfter=2&uuid=u1';
    assert.deepEqual(await get(echo.port, path), { status: 503 });
    assert.deepEqual(await get(echo.port, path), { status: 503 });
    assert.deepEqual(await get(echo.port, path), { status: 200 });
    // Another uuid has its own count.
    assert.deepEqual(await get(echo.port, '/retry/x?responseCode=500&succeedAfter=1&uuid=u2&delayRetry=5ms'), { status: 500 });
    assert.deepEqual(await get(echo.port, '/retry/x?responseCode=500&succeedAfter=1&uuid=u2'), { status: 200 });
  } finally {
    await echo.close();
  }
});

test('/retry/ without responseCode resets the connection', async () => {
  const echo = await startEchoServer({ host: '127.0.0.1', port: 0 });
  try {
    assert.deepEqual(await get(echo.port, '/retry/x?succeedAfter=1&uuid=r'), { error: 'ECONNRESET' });
    assert.deepEqual(await get(echo.port, '/retry/x?succeedAfter=1&uuid=r'), { status: 200 });
    assert.deepEqual(await get(echo.port, '/retry/x?succeedAfter=1'), { status: 400 });
  } finally {
    await echo.close();
  }
});
