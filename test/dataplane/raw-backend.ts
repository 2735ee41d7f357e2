// A backend on a bare `net` server, for answers node:http would never write: exact bytes, split where the
// test says, malformed on purpose. It reads each request's head and body (Content-Length or chunked) and
// hands them to the test's answer function with the socket; it counts the connections it accepted.
import net from 'node:net';

export interface RawRequest {
  method: string;
  target: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** 1 for the first request on its connection. */
  nth: number;
}

/** Writes the answer to `req` on `socket` (or closes it, or does nothing). */
export type RawAnswer = (req: RawRequest, socket: net.Socket) => void;

export interface RawBackend {
  address: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Requests read so far. */
  readonly requests: number;
  /** Resolves when a connection that carried a request closes. */
  closedOne(): Promise<void>;
  close(): Promise<void>;
}

/** The length of a whole chunked body at the start of `buf`, or -1 while it is incomplete. */
function chunkedEnd(buf: Buffer, from: number, out: Buffer[]): number {
  let i = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', i);
    if (eol < 0) return -1;
    const size = parseInt(buf.toString('latin1', i, eol).split(';')[0], 16);
    if (size === 0) {
      const end = buf.indexOf('\r\n\r\n', eol);
      return end < 0 ? -1 : end + 4;
    }
    if (buf.length < eol + 2 + size + 2) return -1;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

export async function startRawBackend(answer: RawAnswer, address = '127.0.0.1'): Promise<RawBackend> {
  let connections = 0;
  let requests = 0;
  const sockets = new Set<net.Socket>();
  let closeWaiters: (() => void)[] = [];
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    let nth = 0;
    let buf = Buffer.alloc(0);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      if (nth > 0) {
        const w = closeWaiters;
        closeWaiters = [];
        for (const resolve of w) resolve();
      }
    });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.toString('latin1', 0, end).split('\r\n');
        const [method, target] = lines[0].split(' ');
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const c = line.indexOf(':');
          const name = line.slice(0, c).toLowerCase();
          const value = line.slice(c + 1).trim();
          headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
        }
        let body: Buffer;
        let rest: number;
        if (headers['transfer-encoding'] === 'chunked') {
          const parts: Buffer[] = [];
          rest = chunkedEnd(buf, end + 4, parts);
          if (rest < 0) return;
          body = Buffer.concat(parts);
        } else {
          const length = Number(headers['content-length'] ?? 0);
          if (buf.length < end + 4 + length) return;
          body = buf.subarray(end + 4, end + 4 + length);
          rest = end + 4 + length;
        }
        buf = buf.subarray(rest);
        requests++;
        answer({ method, target, headers, body, nth: ++nth }, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address,
    port,
    get connections() {
      return connections;
    },
    get requests() {
      return requests;
    },
    closedOne: () => new Promise<void>((resolve) => closeWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
