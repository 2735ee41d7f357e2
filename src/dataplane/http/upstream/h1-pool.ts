// The HTTP/1.1 keep-alive pool of one endpoint (address:port): idle connections are reused newest first,
// new ones are opened up to a cap, and requests beyond the cap wait in order. Idle connections are closed
// after the keep-alive time by one shared sweep rather than a timer per connection.
import type { UpstreamHandler, UpstreamPool, UpstreamRequest } from './dispatch.ts';
import { H1Connection } from './h1-connection.ts';
import type { ConnectionOwner } from './h1-connection.ts';
import { H1Request, R_QUEUED } from './h1-request.ts';

export interface H1PoolOptions {
  /** Connections open at once, busy or idle; further requests wait for one. */
  maxConnections?: number;
  /** How long an idle connection is kept. */
  keepAliveMs?: number;
  /** How long a sent request waits for the next bytes of its answer before it fails with 504. */
  readTimeoutMs?: number;
}

const DEFAULT_MAX_CONNECTIONS = 256;
const DEFAULT_KEEP_ALIVE_MS = 4_000;
/**
 * nginx's proxy_read_timeout default: a backend that accepted a request and went silent must not hold the
 * client (and a connection) forever when the route sets no timeout. It is between reads, not for the whole
 * answer, so long streams that keep sending are not cut.
 */
export const DEFAULT_READ_TIMEOUT_MS = 60_000;

export class H1Pool implements UpstreamPool, ConnectionOwner {
  readonly origin: string;
  private readonly host: string;
  private readonly port: number;
  private readonly maxConnections: number;
  private readonly keepAliveMs: number;
  private readonly readTimeoutMs: number;
  private readonly sweepMs: number;
  /** Every connection open or opening, for the read timeout check. */
  private readonly all = new Set<H1Connection>();
  now = 0;
  /** Idle connections, the most recently used last. */
  private readonly idle: H1Connection[] = [];
  private readonly queue: H1Request[] = [];
  /** Connections open or opening. */
  private count = 0;
  private sweeper: NodeJS.Timeout | null = null;
  private closing = false;
  private whenClosed: (() => void) | null = null;

  /** `origin` is `address:port`, IPv6 addresses in brackets. */
  constructor(origin: string, options: H1PoolOptions = {}) {
    this.origin = origin;
    const colon = origin.lastIndexOf(':');
    const host = origin.slice(0, colon);
    this.host = host.startsWith('[') ? host.slice(1, -1) : host;
    this.port = Number(origin.slice(colon + 1));
    this.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.sweepMs = Math.max(10, Math.min(1000, this.keepAliveMs / 4, this.readTimeoutMs / 4));
  }

  /** Connections open or opening (for tests and metrics). */
  get connections(): number {
    return this.count;
  }

  dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
    const req = new H1Request(request, handler);
    handler.onRequestStart(req);
    if (req.state === R_QUEUED) this.assign(req);
  }

  private assign(req: H1Request): void {
    const conn = this.takeIdle();
    if (conn !== null) conn.start(req);
    else if (this.count < this.maxConnections) this.open().start(req);
    else this.queue.push(req);
  }

  private takeIdle(): H1Connection | null {
    const idle = this.idle;
    while (idle.length > 0) {
      const conn = idle.pop()!;
      // Closed by the server a moment ago; its close event has not removed it yet.
      if (conn.socket.destroyed || conn.socket.readableEnded) continue;
      return conn;
    }
    return null;
  }

  private open(): H1Connection {
    this.count++;
    // The sweep runs while any connection is open; its clock is fresh before a request reads it.
    if (this.sweeper === null) {
      this.now = performance.now();
      this.sweeper = setInterval(sweep, this.sweepMs, this).unref();
    }
    const conn = new H1Connection(this, this.host, this.port);
    this.all.add(conn);
    return conn;
  }

  /** The next queued request that was not aborted while it waited. */
  private nextQueued(): H1Request | null {
    while (this.queue.length > 0) {
      const req = this.queue.shift()!;
      if (req.state === R_QUEUED) return req;
    }
    return null;
  }

  released(conn: H1Connection): void {
    const next = this.nextQueued();
    if (next !== null) {
      conn.start(next);
      return;
    }
    if (this.closing) {
      conn.socket.destroy();
      return;
    }
    conn.idleSince = performance.now();
    this.idle.push(conn);
  }

  closed(conn: H1Connection): void {
    this.count--;
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    // The freed place goes to the oldest waiting request.
    if (this.count < this.maxConnections) {
      const next = this.nextQueued();
      if (next !== null) this.open().start(next);
    }
    if (this.count === 0) {
      this.stopSweep();
      if (this.whenClosed !== null) this.whenClosed();
    }
  }

  private stopSweep(): void {
    if (this.sweeper !== null) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  retry(req: H1Request): void {
    req.state = R_QUEUED;
    // On a fresh connection even above the cap for a moment: the one it replaces is closing.
    this.open().start(req);
  }

  /** Closes idle connections older than the keep-alive time, oldest first; fails silent backends. */
  sweep(): void {
    const now = (this.now = performance.now());
    const idle = this.idle;
    // A connection idle for a full sweep period past this line would outlive the keep-alive time.
    const limit = now - (this.keepAliveMs - this.sweepMs);
    while (idle.length > 0 && idle[0].idleSince <= limit) idle.shift()!.socket.destroy();
    for (const conn of this.all) conn.checkRead(now, this.readTimeoutMs);
  }

  /** Requests in flight and queued finish; connections close as they become idle. */
  close(): Promise<void> {
    this.closing = true;
    for (const conn of this.idle.splice(0)) conn.socket.destroy();
    // The sweep keeps running for the requests in flight (their read timeout) and stops with the last one.
    if (this.count === 0) {
      this.stopSweep();
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.whenClosed = resolve));
  }
}

function sweep(pool: H1Pool): void {
  pool.sweep();
}
