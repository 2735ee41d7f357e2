// The admin HTTP API: health, readiness and JSON dumps of status, config and rejected objects. It listens on
// loopback unless told otherwise, because the config dump shows certificates and routes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Rejection } from '../api/types.ts';
import type { Config } from '../config/types.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { StatusList } from '../runtime/status-store.ts';
import { redactConfig } from './redact.ts';

/**
 * What the admin API reads; the runtime provides it. status() and config() return the same object while
 * nothing changed and a new one after a change (never one changed in place): the API keeps the JSON text of
 * each object it served, so polling a 10,000-route status serialises it once per reconcile.
 */
export interface AdminState {
  /** True once the first config is applied. */
  ready(): boolean;
  status(): StatusList;
  /** The config the data plane serves, or null before the first one. */
  config(): Config | null;
  rejected(): readonly Rejection[];
}

export interface AdminServerOptions {
  host: string;
  port: number;
  state: AdminState;
  logger?: Logger;
}

export interface AdminServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** An answer; `source` is the state object the body was made from, when its JSON text may be reused. */
interface Answer {
  status: number;
  body: unknown;
  source?: object;
}

type Handler = (state: AdminState) => Answer;

const ROUTES: Record<string, Handler> = {
  '/healthz': () => ({ status: 200, body: 'ok\n' }),
  '/readyz': (s) => (s.ready() ? { status: 200, body: 'ok\n' } : { status: 503, body: 'no config applied yet\n' }),
  '/api/v1/status': (s) => {
    const list = s.status();
    return { status: 200, body: list, source: list };
  },
  '/api/v1/config': (s) => {
    const config = s.config();
    return config ? { status: 200, body: redactConfig(config), source: config } : { status: 503, body: { error: 'no config applied yet' } };
  },
  '/api/v1/rejected': (s) => ({ status: 200, body: { items: s.rejected() } }),
};

/** JSON text by the state object it was made from; weak, so a replaced status or config takes its text along. */
const texts = new WeakMap<object, string>();

function textOf(body: unknown): string {
  return typeof body === 'string' ? body : `${JSON.stringify(body, null, 2)}\n`;
}

function send(res: http.ServerResponse, status: number, body: unknown, head: boolean, text = textOf(body)): void {
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : text);
}

export function handleAdminRequest(state: AdminState, req: http.IncomingMessage, res: http.ServerResponse): void {
  let pathname: string;
  try {
    pathname = new URL(req.url ?? '/', 'http://admin').pathname;
  } catch {
    send(res, 400, { error: 'bad request target' }, false);
    return;
  }
  const handler = Object.hasOwn(ROUTES, pathname) ? ROUTES[pathname] : undefined;
  if (!handler) {
    send(res, 404, { error: `not found: ${pathname}` }, req.method === 'HEAD');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    send(res, 405, { error: `method ${req.method} not allowed` }, false);
    return;
  }
  const { status, body, source } = handler(state);
  let text = source ? texts.get(source) : undefined;
  if (text === undefined) {
    text = textOf(body);
    if (source) texts.set(source, text);
  }
  send(res, status, body, req.method === 'HEAD', text);
}

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const logger = options.logger ?? silentLogger;
  const server = http.createServer((req, res) => {
    try {
      handleAdminRequest(options.state, req, res);
    } catch (err) {
      // A bug in a dump must not take the process down; answer 500 and say why in the log.
      logger.error({ err, url: req.url }, 'admin request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' }, false);
      else res.destroy();
    }
  });
  // Malformed requests get a 400 from Node's parser; never let a client error reach the process.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  logger.info({ address: address.address, port: address.port }, 'admin API listening');
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
