// The `websocket` step: an upgrade through the Gateway, then each message must come back unchanged, on one
// connection; the whole exchange must succeed on consecutive fresh connections, as the official test does.

import { OPCODE } from '../../src/echo/frames.ts';
import { openWebSocket } from '../../src/echo/ws-client.ts';
import type { HttpTarget } from './http.ts';

export interface WebSocketStep {
  gateway: { name: string; namespace?: string };
  request: { path?: string; host?: string; headers?: Record<string, string> };
  messages: ({ text: string } | { binary: number[] })[];
}

async function exchange(step: WebSocketStep, target: HttpTarget): Promise<string | null> {
  const ws = await openWebSocket({
    host: target.address,
    port: target.port,
    path: step.request.path ?? '/',
    hostHeader: step.request.host,
    headers: { Origin: 'ws://gateway/websocket', ...(step.request.headers ?? {}) },
    timeoutMs: 5000,
  });
  try {
    for (const m of step.messages) {
      const isText = 'text' in m;
      const data = isText ? Buffer.from(m.text) : Buffer.from(m.binary);
      ws.send(isText ? OPCODE.text : OPCODE.binary, data);
      const back = await ws.receive();
      if (!back.data.equals(data)) return `message came back as ${JSON.stringify(back.data.toString())}`;
    }
    await ws.close(1000).catch(() => undefined);
    return null;
  } finally {
    ws.destroy();
  }
}

export async function runWebSocketStep(step: WebSocketStep, target: HttpTarget, timeoutMs: number, consecutive: number): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let streak = 0;
  let last = 'no attempt made';
  while (Date.now() < deadline) {
    let why: string | null;
    try {
      why = await exchange(step, target);
    } catch (err) {
      why = (err as Error).message;
    }
    if (why === null) {
      if (++streak >= consecutive) return null;
      continue;
    }
    streak = 0;
    last = why;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}
