// A minimal RFC 6455 client for tests: one connection, send a message, read the next data message.
// Used against the echo server directly and through a gateway.

import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { encodeFrame, FrameParser, OPCODE } from './frames.ts';
import type { Frame } from './frames.ts';
import { acceptKey } from './websocket.ts';

export interface WebSocketMessage {
  opcode: number;
  data: Buffer;
}

export interface WebSocketClient {
  send(opcode: number, data: Buffer): void;
  /** The next complete data message (fragments joined); pongs and other control frames are skipped. */
  receive(): Promise<WebSocketMessage>;
  ping(data: Buffer): Promise<Buffer>;
  /** Sends a close frame and waits for the server's close (its payload) and the end of the connection. */
  close(code?: number): Promise<Buffer>;
  destroy(): void;
}

export interface WebSocketOptions {
  host: string;
  port: number;
  path: string;
  /** The Host header; defaults to host:port. */
  hostHeader?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** Opens a WebSocket; rejects when the handshake is not a valid 101 answer. */
export function openWebSocket(options: WebSocketOptions): Promise<WebSocketClient> {
  const key = randomBytes(16).toString('base64');
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const socket = connect(options.port, options.host);
    const timer = setTimeout(() => socket.destroy(new Error('websocket: timed out')), timeoutMs);
    let head = Buffer.alloc(0);
    const lines = [
      `GET ${options.path} HTTP/1.1`,
      `Host: ${options.hostHeader ?? `${options.host}:${options.port}`}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(options.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.on('connect', () => socket.write(lines.join('\r\n') + '\r\n\r\n'));
    const onError = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    socket.on('error', onError);
    socket.on('close', () => onError(new Error('websocket: connection closed during handshake')));
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.removeAllListeners('close');
      socket.off('error', onError);
      clearTimeout(timer);
      const response = head.subarray(0, end).toString('latin1').split('\r\n');
      const statusLine = response[0] ?? '';
      const accept = response.find((l) => l.toLowerCase().startsWith('sec-websocket-accept:'));
      if (!/^HTTP\/1\.1 101\b/.test(statusLine) || accept?.slice(21).trim() !== acceptKey(key)) {
        socket.destroy();
        reject(new Error(`websocket: handshake failed: ${statusLine}`));
        return;
      }
      resolve(client(socket, head.subarray(end + 4), timeoutMs));
    };
    socket.on('data', onData);
  });
}

function client(socket: Socket, rest: Buffer, timeoutMs: number): WebSocketClient {
  const parser = new FrameParser();
  const frames: Frame[] = [];
  let waiter: (() => void) | null = null;
  let ended: Error | null = null;
  const wake = (): void => {
    const w = waiter;
    waiter = null;
    w?.();
  };
  const onData = (chunk: Buffer): void => {
    try {
      frames.push(...parser.push(chunk));
    } catch (err) {
      ended = err as Error;
      socket.destroy();
    }
    wake();
  };
  socket.on('data', onData);
  socket.on('error', (err) => {
    ended = err;
    wake();
  });
  socket.on('close', () => {
    ended ??= new Error('websocket: connection closed');
    wake();
  });
  if (rest.length > 0) onData(rest);

  const nextFrame = async (): Promise<Frame> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = frames.shift();
      if (frame !== undefined) return frame;
      if (ended !== null) throw ended;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('websocket: timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  };

  return {
    send(opcode, data) {
      socket.write(encodeFrame(opcode, data, { mask: true }));
    },
    async receive() {
      let opcode = -1;
      const parts: Buffer[] = [];
      for (;;) {
        const frame = await nextFrame();
        if (frame.opcode >= 0x8) {
          if (frame.opcode === OPCODE.close) throw new Error('websocket: closed by peer');
          continue;
        }
        if (opcode < 0) opcode = frame.opcode;
        parts.push(frame.payload);
        if (frame.fin) return { opcode, data: Buffer.concat(parts) };
      }
    },
    async ping(data) {
      socket.write(encodeFrame(OPCODE.ping, data, { mask: true }));
      for (;;) {
        const frame = await nextFrame();
        if (frame.opcode === OPCODE.pong) return frame.payload;
      }
    },
    async close(code = 1000) {
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      socket.write(encodeFrame(OPCODE.close, payload, { mask: true }));
      for (;;) {
        const frame = await nextFrame();
        if (frame.opcode === OPCODE.close) {
          socket.end();
          return frame.payload;
        }
      }
    },
    destroy() {
      socket.destroy();
    },
  };
}
