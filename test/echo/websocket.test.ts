import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEchoServer } from '../../src/echo/server.ts';
import { openWebSocket } from '../../src/echo/ws-client.ts';
import { OPCODE } from '../../src/echo/frames.ts';

test('WebSocket on /ws echoes text and binary messages, answers pings and closes cleanly', async () => {
  const echo = await startEchoServer({ host: '127.0.0.1', port: 0 });
  try {
    const ws = await openWebSocket({ host: '127.0.0.1', port: echo.port, path: '/ws' });
    ws.send(OPCODE.text, Buffer.from('Websocket Support!'));
    const text = await ws.receive();
    assert.equal(text.opcode, OPCODE.text);
    assert.equal(text.data.toString(), 'Websocket Support!');
    ws.send(OPCODE.binary, Buffer.from([1, 2, 3, 4, 5, 6, 7]));
    const binary = await ws.receive();
    assert.equal(binary.opcode, OPCODE.binary);
    assert.deepEqual([...binary.data], [1, 2, 3, 4, 5, 6, 7]);
    const big = Buffer.alloc(70_000, 7);
    ws.send(OPCODE.binary, big);
    assert.ok((await ws.receive()).data.equals(big));
    assert.equal((await ws.ping(Buffer.from('hi'))).toString(), 'hi');
    const closing = await ws.close(1000);
    assert.equal(closing.readUInt16BE(0), 1000);
    assert.equal(echo.requests.at(-1)?.path, '/ws');
  } finally {
    await echo.close();
  }
});

test('an upgrade elsewhere than /ws is not a WebSocket', async () => {
  const echo = await startEchoServer({ host: '127.0.0.1', port: 0 });
  try {
    await assert.rejects(openWebSocket({ host: '127.0.0.1', port: echo.port, path: '/other' }), /handshake failed: HTTP\/1.1 200/);
  } finally {
    await echo.close();
  }
});
