// One request on the HTTP/1.1 pool: it is the controller its handler holds (abort, pause, resume), and it
// writes itself on a connection: the head as one string, then the body (none, a buffer, or a stream with
// the client's Content-Length or chunked, RFC 9112 §6-7) with the connection's backpressure.
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { UpstreamController, UpstreamHandler, UpstreamRequest } from './dispatch.ts';
import { UPSTREAM_BAD_REQUEST, UPSTREAM_CLOSED, UpstreamError } from './dispatch.ts';

/** Waiting for a connection. */
export const R_QUEUED = 0;
/** On a connection: being sent, or its answer being read. */
export const R_ACTIVE = 1;
export const R_DONE = 2;
export const R_ABORTED = 3;

/** What a request needs of the connection it is on. */
export interface RequestConnection {
  readonly socket: Socket;
  /** Ends the connection for good; it never carries another request. */
  abandon(): void;
}

/** A character that may not be written in a header (it could split the request). */
const INVALID_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
/** A character that may not be written in a request target (RFC 9112 §3.2: no whitespace either). */
const INVALID_TARGET = /[^\x21-\x7e\x80-\xff]/;

/** Methods whose requests carry a body, so that an empty one is announced (as undici and browsers do). */
function expectsBody(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

const REQUEST = Symbol('upstream request');
type BodyStream = Readable & { [REQUEST]?: H1Request };

export class H1Request implements UpstreamController {
  readonly method: string;
  readonly path: string;
  readonly headers: string[];
  readonly body: Buffer | Readable | null;
  readonly idempotent: boolean;
  readonly handler: UpstreamHandler;
  state = R_QUEUED;
  conn: RequestConnection | null = null;
  paused = false;
  reason: Error | null = null;
  /** Sent again once already, after a kept-alive connection turned out to be closed. */
  retried = false;
  /** The whole request, body included, has been written. */
  sent = false;
  /** The body stream is sent with chunked framing. */
  private chunked = false;
  /** The body stream waits for the connection to drain. */
  bodyWaiting = false;

  constructor(request: UpstreamRequest, handler: UpstreamHandler) {
    this.method = request.method;
    this.path = request.path;
    this.headers = request.headers;
    this.body = request.body;
    this.idempotent = request.idempotent;
    this.handler = handler;
  }

  get aborted(): boolean {
    return this.state === R_ABORTED;
  }

  abort(reason: Error): void {
    if (this.state >= R_DONE) return;
    this.state = R_ABORTED;
    this.reason = reason;
    this.detachBody();
    const conn = this.conn;
    this.conn = null;
    // A request stopped halfway leaves its connection in an unknown state: it is never reused.
    if (conn !== null) conn.abandon();
    this.handler.onResponseError(this, reason);
  }

  pause(): void {
    this.paused = true;
    if (this.conn !== null) this.conn.socket.pause();
  }

  resume(): void {
    this.paused = false;
    if (this.conn !== null) this.conn.socket.resume();
  }

  /**
   * Writes the request on its connection; `origin` is the Host when the headers carry none (an HTTP/1.0
   * client's request). Returns an error when the request cannot be written safely.
   */
  write(socket: Socket, origin: string): Error | null {
    const body = this.body;
    const stream = body !== null && !Buffer.isBuffer(body);
    if (INVALID_TARGET.test(this.path)) return new UpstreamError(UPSTREAM_BAD_REQUEST, 'invalid character in the request target');
    let head = `${this.method} ${this.path} HTTP/1.1\r\n`;
    let host = false;
    let length = false;
    const headers = this.headers;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i];
      const value = headers[i + 1];
      const n = name.length;
      if (n === 4) {
        if (name.toLowerCase() === 'host') host = true;
      } else if (n === 14) {
        // A buffered body is announced with its own length; a stream keeps the client's.
        if (name.toLowerCase() === 'content-length') {
          if (!stream) continue;
          length = true;
        }
      } else if (n === 17 && name.toLowerCase() === 'transfer-encoding') continue;
      if (INVALID_CHAR.test(value) || INVALID_CHAR.test(name)) {
        return new UpstreamError(UPSTREAM_BAD_REQUEST, `invalid character in request header ${JSON.stringify(name)}`);
      }
      head += `${name}: ${value}\r\n`;
    }
    if (!host) head += `host: ${origin}\r\n`;
    if (body === null) {
      if (expectsBody(this.method)) head += 'content-length: 0\r\n';
      socket.write(`${head}\r\n`, 'latin1');
      this.sent = true;
      return null;
    }
    if (!stream) {
      socket.cork();
      socket.write(`${head}content-length: ${body.length}\r\n\r\n`, 'latin1');
      if (body.length > 0) socket.write(body);
      socket.uncork();
      this.sent = true;
      return null;
    }
    this.chunked = !length;
    socket.write(this.chunked ? `${head}transfer-encoding: chunked\r\n\r\n` : `${head}\r\n`, 'latin1');
    const s = body as BodyStream;
    s[REQUEST] = this;
    s.on('data', onBodyData);
    s.on('end', onBodyEnd);
    s.on('error', onBodyError);
    s.on('close', onBodyClose);
    return null;
  }

  /** The connection drained: the body may flow again. */
  drained(): void {
    if (!this.bodyWaiting) return;
    this.bodyWaiting = false;
    (this.body as Readable).resume();
  }

  /** Stops sending the body stream (the request ended one way or another); what is left of it is discarded. */
  detachBody(): void {
    const body = this.body;
    if (body === null || Buffer.isBuffer(body) || (body as BodyStream)[REQUEST] !== this) return;
    const s = body as BodyStream;
    s[REQUEST] = undefined;
    s.off('data', onBodyData);
    s.off('end', onBodyEnd);
    s.off('error', onBodyError);
    s.off('close', onBodyClose);
    // The client's remaining bytes are read and dropped so that its connection can carry its next request.
    if (!s.destroyed) s.resume();
  }

  bodyData(chunk: Buffer): void {
    const conn = this.conn;
    if (conn === null || this.state !== R_ACTIVE || chunk.length === 0) return;
    const socket = conn.socket;
    let ok: boolean;
    if (this.chunked) {
      socket.cork();
      socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      socket.write(chunk);
      ok = socket.write('\r\n', 'latin1');
      socket.uncork();
    } else ok = socket.write(chunk);
    if (!ok) {
      this.bodyWaiting = true;
      (this.body as Readable).pause();
    }
  }

  bodyEnd(): void {
    const conn = this.conn;
    if (conn === null || this.state !== R_ACTIVE) return;
    if (this.chunked) conn.socket.write('0\r\n\r\n', 'latin1');
    this.sent = true;
    this.detachBody();
  }
}

function onBodyData(this: BodyStream, chunk: Buffer): void {
  this[REQUEST]?.bodyData(chunk);
}

function onBodyEnd(this: BodyStream): void {
  this[REQUEST]?.bodyEnd();
}

function onBodyError(this: BodyStream, err: Error): void {
  this[REQUEST]?.abort(new UpstreamError(UPSTREAM_CLOSED, `request body failed: ${err.message}`));
}

function onBodyClose(this: BodyStream): void {
  // The client went away before the body's end: the upstream request is incomplete and must not look done.
  if (!this.readableEnded) this[REQUEST]?.abort(new UpstreamError(UPSTREAM_CLOSED, 'request body aborted'));
}
