// The echo server's h2c port, used by backends with appProtocol kubernetes.io/h2c. HTTP/2 with prior
// knowledge (RFC 9113 section 3.3) is served as HTTP/2; anything else is served as HTTP/1.1, where the
// official server answers 400 unless the request asks for an h2c upgrade (it then echoes over HTTP/1.1).
// One port serves both, so each connection is sniffed for the HTTP/2 client preface first.

import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { Duplex } from 'node:stream';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;
export type Handler = (req: AnyRequest, res: AnyResponse) => void;

/**
 * A stream over `socket` that first yields `head` (the bytes read while sniffing). Node's HTTP servers read a
 * real socket natively, bypassing anything pushed back with unshift(); a plain Duplex makes them read through
 * JavaScript, where the sniffed bytes can be replayed.
 */
function replaying(socket: Socket, head: Buffer): Duplex {
  const stream = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end();
      callback();
    },
    destroy(err, callback) {
      socket.destroy();
      callback(err);
    },
  });
  stream.push(head);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  socket.on('error', () => stream.destroy());
  // The HTTP servers read these for logging and req.socket.remoteAddress.
  Object.assign(stream, {
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    localAddress: socket.localAddress,
    localPort: socket.localPort,
    setTimeout: () => stream,
    setNoDelay: () => stream,
    setKeepAlive: () => stream,
  });
  return stream;
}

export interface H2cServer {
  port: number;
  close(): Promise<void>;
}

/** Starts the h2c listener; `handler` serves both HTTP/2 and accepted HTTP/1.1 requests. */
export async function startH2cServer(host: string, port: number, handler: Handler): Promise<H2cServer> {
  const h2 = createHttp2Server(handler);
  const h1 = createHttpServer((req, res) => {
    // The official check: r.ProtoMajor != 2 && r.Header.Get("Upgrade") != "h2c" → 400.
    const upgrade = req.headers.upgrade ?? '';
    if (upgrade.toLowerCase() !== 'h2c') {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Expected h2c request');
      return;
    }
    handler(req, res);
  });
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, PREFACE.length);
      const isH2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isH2 && head.length < PREFACE.length) return;
      socket.off('data', onData);
      socket.pause();
      const stream = replaying(socket, head);
      (isH2 ? h2 : h1).emit('connection', stream);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        h1.close();
        h2.close();
      }),
  };
}
