// An echo backend that behaves like the Gateway API conformance echo server (echo-basic), as described in
// the conformance data's CASES.md: it answers every request with a JSON description of what it received,
// so a test can check what a gateway forwarded and which backend answered.

import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { echoedHeaders, echoSetHeaders } from './headers.ts';
import { parseGoDuration } from './duration.ts';
import { startH2cServer } from './h2c.ts';
import type { AnyRequest, AnyResponse, H2cServer } from './h2c.ts';
import { serveWebSocket } from './websocket.ts';

/** What the echo server saw of one request (the `requests` log, e.g. for mirror checks). */
export interface EchoRecord {
  method: string;
  /** Path with query, exactly as in the request line. */
  path: string;
  host: string;
  proto: string;
  headers: Record<string, string[]>;
  /** The local port that received it (the HTTP or the h2c port). */
  port: number;
}

/** The JSON body of an echo answer; field names and order are the official server's. */
export interface EchoResponse {
  path: string;
  host: string;
  method: string;
  proto: string;
  headers: Record<string, string[]>;
  httpPort: string;
  namespace: string;
  ingress: string;
  service: string;
  pod: string;
}

export interface EchoServerOptions {
  host: string;
  port: number;
  namespace?: string;
  pod?: string;
  service?: string;
  /** Also serve h2c on this port (0: any free port). */
  h2cPort?: number;
}

export interface EchoServer {
  host: string;
  port: number;
  h2cPort: number | null;
  requests: EchoRecord[];
  close(): Promise<void>;
}

/** The log keeps the newest requests only, so a long-running echo server does not grow without bound. */
const MAX_RECORDS = 10_000;

function pathOf(target: string): string {
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

function queryOf(target: string): URLSearchParams {
  const q = target.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
}

function hostOf(req: AnyRequest): string {
  const authority = req.headers[':authority'];
  if (typeof authority === 'string') return authority;
  return req.headers.host ?? '';
}

function headerValues(req: AnyRequest, name: string): string[] {
  const out: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].toLowerCase() === name) out.push(raw[i + 1]);
  return out;
}

function sendJson(res: AnyResponse, status: number, body: unknown, extra: [string, string][] = []): void {
  for (const [name, value] of extra) {
    try {
      res.setHeader(name, value);
    } catch {
      // A header name the client asked for that HTTP cannot carry is left out.
    }
  }
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.statusCode = status;
  // Go's json.MarshalIndent(v, "", " ") indents by one space.
  res.end(JSON.stringify(body, null, 1));
}

function sendError(res: AnyResponse, status: number, message: string): void {
  sendJson(res, status, { message });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Applies `?NAME=DURATION`: waits, or answers 500 (as the official server does) when it does not parse. */
async function delayed(req: AnyRequest, res: AnyResponse, name: string): Promise<boolean> {
  const value = queryOf(req.url ?? '').get(name);
  if (value === null || value === '') return true;
  const ms = parseGoDuration(value);
  if (ms === null) {
    sendError(res, 500, `time: invalid duration "${value}"`);
    return false;
  }
  if (ms > 0) await sleep(ms);
  return true;
}

export async function startEchoServer(options: EchoServerOptions): Promise<EchoServer> {
  const requests: EchoRecord[] = [];
  const retryAttempts = new Map<string, number>();
  let httpPort = '';

  const record = (req: AnyRequest): void => {
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      host: hostOf(req),
      proto: `HTTP/${req.httpVersion}`,
      headers: echoedHeaders(req.rawHeaders),
      port: (req.socket as Socket | undefined)?.localPort ?? 0,
    });
    if (requests.length > MAX_RECORDS) requests.splice(0, requests.length - MAX_RECORDS);
  };

  const echo = async (req: AnyRequest, res: AnyResponse): Promise<void> => {
    if (!(await delayed(req, res, 'delay'))) return;
    const body: EchoResponse = {
      path: req.url ?? '',
      host: hostOf(req),
      method: req.method ?? '',
      proto: `HTTP/${req.httpVersion}`,
      headers: echoedHeaders(req.rawHeaders),
      httpPort,
      namespace: options.namespace ?? '',
      ingress: '',
      service: options.service ?? '',
      pod: options.pod ?? '',
    };
    sendJson(res, 200, body, echoSetHeaders(headerValues(req, 'x-echo-set-header')));
  };

  // `/retry/...?uuid=U&succeedAfter=N[&responseCode=C][&delayRetry=D]`: the first N attempts with one uuid
  // fail, by resetting the TCP connection or with status C, each after waiting D; later ones echo.
  const retry = async (req: AnyRequest, res: AnyResponse): Promise<void> => {
    const query = queryOf(req.url ?? '');
    const uuid = query.get('uuid') ?? '';
    if (uuid === '') return void sendText(res, 400, 'uuid is required');
    const succeedAfter = Number.parseInt(query.get('succeedAfter') ?? '', 10);
    if (!Number.isFinite(succeedAfter)) return void sendText(res, 400, 'succeedAfter is required');
    const attempts = retryAttempts.get(uuid) ?? 0;
    if (attempts >= succeedAfter) return echo(req, res);
    retryAttempts.set(uuid, attempts + 1);
    if (!(await delayed(req, res, 'delayRetry'))) return;
    const code = Number.parseInt(query.get('responseCode') ?? '', 10);
    if (code >= 100 && code <= 999) {
      res.statusCode = code;
      res.end();
      return;
    }
    const socket = req.socket as Socket;
    if (req.httpVersionMajor === 1 && typeof socket.resetAndDestroy === 'function') {
      socket.resetAndDestroy();
      return;
    }
    // An HTTP/2 stream cannot be hijacked; the official server reports that as a 500.
    sendError(res, 500, 'response writer does not support hijacking');
  };

  const handle = (req: AnyRequest, res: AnyResponse): void => {
    record(req);
    const target = req.url ?? '/';
    // The official server collapses "//" in the path before routing (preserveSlashes).
    const path = pathOf(target).replaceAll('//', '/');
    let work: Promise<void> | void;
    if (path === '/health') work = sendText(res, 200, 'OK');
    else if (path.startsWith('/status/')) work = status(target, res);
    else if (path.startsWith('/retry/')) work = retry(req, res);
    else if (path === '/ws') work = sendText(res, 400, 'Bad Request');
    else work = echo(req, res);
    if (work instanceof Promise) {
      work.catch(() => {
        if (!res.headersSent) sendError(res, 500, 'internal error');
        else res.destroy();
      });
    }
  };

  const server = createServer(
    {
      // Only /ws speaks WebSocket; other upgrade requests are answered as plain requests, as Go's mux does.
      shouldUpgradeCallback: (req: IncomingMessage) =>
        pathOf(req.url ?? '') === '/ws' && (req.headers.upgrade ?? '').toLowerCase() === 'websocket',
    },
    (req: IncomingMessage, res: ServerResponse) => handle(req, res),
  );
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    record(req);
    serveWebSocket(req, socket, head);
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  const upgraded = new Set<Socket>();
  server.on('upgrade', (_req, socket: Socket) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  httpPort = String(port);

  let h2c: H2cServer | null = null;
  if (options.h2cPort !== undefined) {
    try {
      h2c = await startH2cServer(options.host, options.h2cPort, handle);
    } catch (err) {
      server.close();
      server.closeAllConnections();
      throw err;
    }
  }

  return {
    host: options.host,
    port,
    h2cPort: h2c === null ? null : h2c.port,
    requests,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      await Promise.all([closed, h2c?.close()]);
    },
  };
}

function sendText(res: AnyResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(text);
}

/** `/status/NNN` answers NNN with no body; anything else under /status/ is a 400, as in the official server. */
function status(target: string, res: AnyResponse): void {
  const m = /^\/status\/(\d\d\d)$/.exec(target);
  const code = m === null ? 400 : Number(m[1]);
  res.statusCode = code >= 100 ? code : 400;
  res.end();
}
