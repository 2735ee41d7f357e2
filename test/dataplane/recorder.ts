// A backend that records every request it receives (method, URL, headers, body) and answers 200 with its
// name, for mirror and retry tests; `answer` can replace the answer per request.
import http from 'node:http';
import type net from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Recorder {
  address: string;
  port: number;
  requests: Recorded[];
  /** Resolves once `count` requests have been recorded in total. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * What to do with the n-th request (0-based): a status to answer with, 'reset' to cut the connection, or
 * 'hang' to never answer.
 */
export type Answerer = (n: number, req: Recorded) => number | 'reset' | 'hang';

export async function startRecorder(name: string, address = '127.0.0.1', answer: Answerer = () => 200): Promise<Recorder> {
  const requests: Recorded[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      const n = requests.length;
      requests.push(r);
      for (const w of waiters.filter((x) => requests.length >= x.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      const a = answer(n, r);
      if (a === 'reset') {
        req.socket.resetAndDestroy();
        return;
      }
      if (a === 'hang') return;
      const body = JSON.stringify({ backend: name, n });
      res.writeHead(a, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address,
    port,
    requests,
    waitFor: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
