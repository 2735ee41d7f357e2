// The echo server's WebSocket endpoint (the official echo server serves it on /ws): the RFC 6455 server
// handshake on the raw socket, then every data frame is sent back unchanged, pings are answered with pongs,
// and a close is answered with a close.

import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { encodeFrame, FrameError, FrameParser, OPCODE } from './frames.ts';

/** RFC 6455 section 1.3: the GUID the server appends to Sec-WebSocket-Key. */
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function acceptKey(key: string): string {
  return createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
}

/** Completes the handshake for an upgrade request and echoes frames until either side closes. */
export function serveWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => socket.destroy());
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  // RFC 6455 section 4.2.1: a GET with a key and version 13; anything else is a bad request.
  if (req.method !== 'GET' || typeof key !== 'string' || key === '' || version !== '13') {
    socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return;
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
  );
  const parser = new FrameParser();
  let closed = false;
  const onData = (chunk: Buffer): void => {
    if (closed) return;
    let frames;
    try {
      frames = parser.push(chunk);
    } catch (err) {
      const code = err instanceof FrameError ? err.closeCode : 1002;
      closeWith(code);
      return;
    }
    for (const frame of frames) {
      // RFC 6455 section 5.1: a server closes the connection on an unmasked client frame.
      if (!frame.masked) {
        closeWith(1002);
        return;
      }
      if (frame.opcode === OPCODE.ping) socket.write(encodeFrame(OPCODE.pong, frame.payload));
      else if (frame.opcode === OPCODE.pong) continue;
      else if (frame.opcode === OPCODE.close) {
        // Section 5.5.1: echo the status code back, then close the TCP connection.
        closed = true;
        socket.end(encodeFrame(OPCODE.close, frame.payload.subarray(0, 2)));
        return;
      } else if (frame.opcode <= OPCODE.binary) {
        socket.write(encodeFrame(frame.opcode, frame.payload, { fin: frame.fin }));
      } else {
        closeWith(1002);
        return;
      }
    }
  };
  const closeWith = (code: number): void => {
    closed = true;
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(code);
    socket.end(encodeFrame(OPCODE.close, payload));
  };
  if (head.length > 0) onData(head);
  socket.on('data', onData);
}
