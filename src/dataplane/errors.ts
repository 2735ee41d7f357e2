// The answers the gateway writes itself: one catalogue, short plain text, built once.
import { STATUS_CODES } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface LocalAnswer {
  code: string;
  status: number;
  body: Buffer;
  /** The whole answer as raw bytes, for upgrade requests answered on the bare socket. */
  raw: Buffer;
}

function answer(code: string, status: number, text: string): LocalAnswer {
  const body = Buffer.from(text);
  const head = Buffer.from(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${body.length}\r\nconnection: close\r\n\r\n`,
  );
  return { code, status, body, raw: Buffer.concat([head, body]) };
}

export const NO_ROUTE = answer('NO_ROUTE', 404, 'no route matched\n');
export const INVALID_BACKEND = answer('INVALID_BACKEND', 500, 'invalid backend\n');
export const NO_ENDPOINTS = answer('NO_ENDPOINTS', 503, 'no healthy endpoints\n');
export const UPSTREAM_FAILED = answer('UPSTREAM_FAILED', 502, 'upstream request failed\n');
export const UPSTREAM_TIMEOUT = answer('UPSTREAM_TIMEOUT', 504, 'upstream request timeout\n');
export const MISDIRECTED = answer('MISDIRECTED', 421, 'misdirected request\n');
export const INTERNAL = answer('INTERNAL', 500, 'internal error\n');
export const BAD_REQUEST = answer('BAD_REQUEST', 400, 'bad request\n');
/** Spec (HTTPCORSFilter.allowOrigins): a preflight from an origin not allowed may be denied with 403. */
export const CORS_DENIED = answer('CORS_DENIED', 403, 'CORS preflight denied\n');

const TEXT_PLAIN = 'text/plain; charset=utf-8';

export function sendLocal(res: ServerResponse, a: LocalAnswer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(a.status, ['content-type', TEXT_PLAIN, 'content-length', String(a.body.length)]);
  res.end(a.body);
}

/** Writes a local answer on a raw socket (upgrade requests and client errors) and closes it. */
export function sendLocalRaw(socket: Duplex, a: LocalAnswer): void {
  if (socket.writable) socket.end(a.raw);
  else socket.destroy();
}

/** A direct response (DirectResponseConfig), prebuilt. */
export function directAnswer(status: number, text: string): LocalAnswer {
  return answer('DIRECT', status, text);
}
