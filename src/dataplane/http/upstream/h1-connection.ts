// One keep-alive HTTP/1.1 connection to an endpoint: it carries one request at a time, reads the answer with
// the parser of h1-parser.ts and hands head, body and end to the request's handler. It goes back to its
// pool only when the answer was complete, framed without doubt, the request fully sent and the server did
// not ask to close; otherwise it is destroyed.
import net from 'node:net';
import type { Socket } from 'node:net';
import { UPSTREAM_CLOSED, UPSTREAM_MALFORMED, UPSTREAM_READ_TIMEOUT, UpstreamError } from './dispatch.ts';
import { BODY_CHUNKED, BODY_CLOSE, BODY_LENGTH, BODY_NONE, ChunkedDecoder, MAX_HEAD, parseHead } from './h1-parser.ts';
import type { ChunkSink } from './h1-parser.ts';
import { H1Request, R_ACTIVE, R_DONE } from './h1-request.ts';

/** How long connecting may take before the attempt counts as a connection failure. */
const CONNECT_TIMEOUT_MS = 10_000;

const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * Every connection reads into this one buffer (net's `onread`): no 64 KiB allocation per read and no
 * readable-stream machinery per answer. A read is handled synchronously before the next one can land in
 * the buffer, so what must outlive it (a head still arriving, body chunks handed to a handler) is copied.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** A copy of a view into READ_BUFFER, for what outlives the read. */
function own(view: Buffer): Buffer {
  return Buffer.from(view);
}

/** What a connection tells its pool. */
export interface ConnectionOwner {
  /** Host header for requests without one. */
  readonly origin: string;
  /** A coarse clock (performance.now() of the pool's last sweep), read instead of the clock per read. */
  readonly now: number;
  /** The answer is complete and the connection can carry another request. */
  released(conn: H1Connection): void;
  /** The connection is gone. */
  closed(conn: H1Connection): void;
  /** Sends a request again on a fresh connection (a kept-alive one was closed before answering). */
  retry(req: H1Request): void;
}

// Reading states.
const READ_HEAD = 0;
const READ_BODY = 1;

const CONN = Symbol('h1 connection');
type ConnSocket = Socket & { [CONN]: H1Connection };

export class H1Connection implements ChunkSink {
  readonly socket: Socket;
  private readonly owner: ConnectionOwner;
  /** The request on this connection, until its answer ends. */
  req: H1Request | null = null;
  private connected = false;
  /** The connection carried a request before: the server may have closed it while it was idle. */
  private reused = false;
  /** Bytes of the current answer arrived. */
  private answered = false;
  /** When it was last released to the pool (performance.now()). */
  idleSince = 0;
  /** When the current request started or its answer last sent bytes (the pool's coarse clock). */
  lastRead = 0;
  private reading = READ_HEAD;
  private framing = BODY_NONE;
  private remaining = 0;
  private keepAlive = false;
  /** The start of a head that has not fully arrived yet. */
  private headBuf: Buffer | null = null;
  private readonly decoder = new ChunkedDecoder();
  private error: Error | null = null;

  constructor(owner: ConnectionOwner, host: string, port: number) {
    this.owner = owner;
    // One closure per connection (not per request): `onread` callbacks are not called on the socket.
    const onread = { buffer: READ_BUFFER, callback: (n: number, buf: Uint8Array): boolean => this.data((buf as Buffer).subarray(0, n)) };
    const socket = net.connect({ host, port, noDelay: true, onread });
    (socket as ConnSocket)[CONN] = this;
    socket.setTimeout(CONNECT_TIMEOUT_MS);
    socket.on('connect', onConnect);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('timeout', onTimeout);
    socket.on('drain', onDrain);
    this.socket = socket;
  }

  /** Carries `req` from now on (the connection is idle or new). */
  start(req: H1Request): void {
    this.req = req;
    req.conn = this;
    req.state = R_ACTIVE;
    this.answered = false;
    this.lastRead = this.owner.now;
    this.reading = READ_HEAD;
    if (this.connected) this.send(req);
  }

  abandon(): void {
    this.req = null;
    this.socket.destroy();
  }

  private send(req: H1Request): void {
    const err = req.write(this.socket, this.owner.origin);
    if (err !== null) req.abort(err);
  }

  connectedNow(): void {
    this.connected = true;
    this.socket.setTimeout(0);
    if (this.req !== null) this.send(this.req);
  }

  /** The answer could not be used: the request fails and the connection goes. */
  private fail(message: string): void {
    const req = this.req;
    this.socket.destroy();
    if (req !== null) req.abort(new UpstreamError(UPSTREAM_MALFORMED, message));
  }

  /** Handles one read; true (keep reading): pausing goes through socket.pause(). */
  data(chunk: Buffer): boolean {
    const req = this.req;
    // Bytes nobody asked for: the connection's framing can no longer be trusted.
    if (req === null) {
      this.socket.destroy();
      return true;
    }
    this.answered = true;
    this.lastRead = this.owner.now;
    try {
      this.read(req, chunk);
    } catch (err) {
      // A handler that throws (a bug) costs this request and connection, never the process.
      this.socket.destroy();
      req.abort(err as Error);
    }
    return true;
  }

  private read(req: H1Request, chunk: Buffer): void {
    let buf = chunk;
    let offset = 0;
    while (this.reading === READ_HEAD) {
      let from = 0;
      if (this.headBuf !== null) {
        from = Math.max(0, this.headBuf.length - 3);
        buf = Buffer.concat([this.headBuf, buf]);
        this.headBuf = null;
      }
      const end = buf.indexOf(CRLFCRLF, from);
      if (end < 0 || end > MAX_HEAD) {
        if (end > MAX_HEAD || buf.length > MAX_HEAD) return this.fail('answer head too large');
        this.headBuf = own(buf);
        return;
      }
      const head = parseHead(buf.toString('latin1', 0, end), req.method === 'HEAD');
      if (typeof head === 'string') return this.fail(head);
      offset = end + 4;
      if (head.status < 200) {
        // 100 Continue, 102, 103 Early Hints: informational, the final answer follows (RFC 9110 §15.2).
        // 101 was not asked for (upgrades are tunnelled elsewhere).
        if (head.status === 101) return this.fail('unexpected 101 Switching Protocols');
        if (offset === buf.length) return;
        buf = buf.subarray(offset);
        offset = 0;
        continue;
      }
      this.reading = READ_BODY;
      this.framing = head.framing;
      this.keepAlive = head.keepAlive;
      this.remaining = head.contentLength;
      if (head.framing === BODY_CHUNKED) this.decoder.reset();
      req.handler.onResponseStart(req, head.status, head.headers, head.reason, head.contentLength);
      // The handler may have aborted the request.
      if (this.req !== req) return;
      if (head.framing === BODY_NONE || (head.framing === BODY_LENGTH && head.contentLength === 0)) {
        return this.complete(req, offset < buf.length);
      }
    }
    if (offset === buf.length) return;
    const framing = this.framing;
    if (framing === BODY_LENGTH) {
      const available = buf.length - offset;
      if (available <= this.remaining) {
        this.remaining -= available;
        req.handler.onResponseData(req, own(offset === 0 ? buf : buf.subarray(offset)));
        if (this.remaining === 0 && this.req === req) this.complete(req, false);
      } else {
        const end = offset + this.remaining;
        this.remaining = 0;
        req.handler.onResponseData(req, own(buf.subarray(offset, end)));
        if (this.req === req) this.complete(req, true);
      }
    } else if (framing === BODY_CHUNKED) {
      const end = this.decoder.decode(buf, offset, this);
      if (this.req !== req) return;
      if (end < 0) return this.fail('malformed chunked body');
      if (this.decoder.done) this.complete(req, end < buf.length);
    } else if (framing === BODY_CLOSE) {
      req.handler.onResponseData(req, own(offset === 0 ? buf : buf.subarray(offset)));
    } else {
      // Bytes after an answer without body.
      this.complete(req, true);
    }
  }

  chunkData(chunk: Buffer): void {
    const req = this.req;
    if (req !== null) req.handler.onResponseData(req, own(chunk));
  }

  /** The answer is complete; `extra`: bytes followed it that no request asked for. */
  private complete(req: H1Request, extra: boolean): void {
    this.req = null;
    req.conn = null;
    req.state = R_DONE;
    this.reused = true;
    const reusable = this.keepAlive && !extra && req.sent;
    req.detachBody();
    if (!reusable) this.socket.destroy();
    else if (this.socket.isPaused()) this.socket.resume();
    req.handler.onResponseEnd(req);
    if (reusable && !this.socket.destroyed) this.owner.released(this);
  }

  /**
   * Called by the pool's sweep: a request fully sent whose backend then sent nothing for `timeoutMs` fails
   * with UPSTREAM_READ_TIMEOUT. While the answer is paused (the client reads slowly) the clock does not run.
   */
  checkRead(now: number, timeoutMs: number): void {
    const req = this.req;
    if (req === null || !req.sent) return;
    if (this.socket.isPaused()) {
      this.lastRead = now;
      return;
    }
    if (now - this.lastRead < timeoutMs) return;
    req.abort(new UpstreamError(UPSTREAM_READ_TIMEOUT, `no bytes from upstream for ${Math.round(timeoutMs / 1000)} s`));
  }

  ended(): void {
    const req = this.req;
    // RFC 9112 §6.3 item 8: a close-delimited body ends with the connection.
    if (req !== null && this.reading === READ_BODY && this.framing === BODY_CLOSE) this.complete(req, false);
    this.socket.destroy();
  }

  closed(): void {
    const req = this.req;
    this.req = null;
    this.owner.closed(this);
    if (req === null || req.state !== R_ACTIVE) return;
    req.conn = null;
    // A kept-alive connection the server closed just before or as the request went out (its FIN read, or
    // our write refused): nothing was answered, so an idempotent request is sent once more on a fresh
    // connection. A reset (ECONNRESET) is the backend refusing this very request; that is the Retry
    // filter's call, not a transparent retry's.
    if (this.reused && !this.answered && req.idempotent && !req.retried && this.staleClose()) {
      req.retried = true;
      this.owner.retry(req);
      return;
    }
    const message = this.error?.message ?? (this.answered ? 'upstream closed the connection mid-answer' : 'upstream closed the connection');
    req.abort(new UpstreamError(UPSTREAM_CLOSED, message));
  }

  /** The connection was closed by its server rather than reset. */
  private staleClose(): boolean {
    const err = this.error as NodeJS.ErrnoException | null;
    return err === null || err.code === 'EPIPE';
  }

  failed(err: Error): void {
    this.error = err;
  }

  drained(): void {
    if (this.req !== null) this.req.drained();
  }
}

// Socket listeners shared by every connection: the socket carries the connection they act on.
function onConnect(this: ConnSocket): void {
  this[CONN].connectedNow();
}
function onEnd(this: ConnSocket): void {
  this[CONN].ended();
}
function onError(this: ConnSocket, err: Error): void {
  this[CONN].failed(err);
}
function onClose(this: ConnSocket): void {
  this[CONN].closed();
}
function onTimeout(this: ConnSocket): void {
  this[CONN].failed(new UpstreamError(UPSTREAM_CLOSED, 'connect timeout'));
  this.destroy();
}
function onDrain(this: ConnSocket): void {
  this[CONN].drained();
}
