// One proxied request over an endpoint's keep-alive pool: the answer streams straight into the client's
// response, with backpressure both ways, and a client that goes away cancels the upstream request. With a
// retry policy (spec: HTTPRouteRetry) an answer with a listed status, or a connection that fails before any
// answer, is dropped and the request sent again, to the backend's next endpoint, after the backoff.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Logger } from '../../../log.ts';
import type { Readable } from 'node:stream';
import type { CompiledBackend, CompiledFilters } from '../../compile.ts';
import { sendLocal, UPSTREAM_FAILED, UPSTREAM_TIMEOUT } from '../../errors.ts';
import { applyHeaderEdits } from '../filters/header-edits.ts';
import { isCORSResponseHeader } from '../filters/cors.ts';
import { UPSTREAM_READ_TIMEOUT, UpstreamError } from './dispatch.ts';
import type { UpstreamController as Controller, UpstreamHandler, UpstreamPool } from './dispatch.ts';
import type { CompiledRetry } from './retry.ts';

export interface ForwardTarget {
  pool: UpstreamPool;
  method: string;
  /** Path and query to send. */
  path: string;
  headers: string[];
  /** Response header edits: the rule's, then the backendRef's. */
  ruleFilters: CompiledFilters | null;
  backendFilters: CompiledFilters | null;
  /** Milliseconds until the gateway gives up with 504; 0 for no limit. */
  timeoutMs: number;
  /** Milliseconds each attempt may take (backendRequest with a retry policy); 0 for no limit of its own. */
  attemptTimeoutMs?: number;
  /** The server the request arrived on; once it is closing, answers end their connection. */
  server: { readonly closing: boolean };
  /** The body to send instead of the request stream (a buffered or teed body); undefined: the request itself. */
  body?: Buffer | Readable | null;
  /** The retry policy, when the body can be sent again (none, or buffered); null otherwise. */
  retry?: CompiledRetry | null;
  /** The backend whose next endpoint a retry goes to. */
  backend?: CompiledBackend | null;
  /** CORS headers for an allowed actual request; they replace the backend's own Access-Control-* headers. */
  corsHeaders?: string[] | null;
}

/** Marks an upstream request the gateway aborted because its timeout passed. */
class UpstreamTimeout extends Error {}

/** Marks an attempt the gateway aborted because its backendRequest time passed; another attempt may follow. */
class AttemptTimeout extends Error {}

/** An answer that ends in 504: the rule's timeouts, or the pool's read timeout (a backend gone silent). */
function isTimeout(err: Error): boolean {
  return err instanceof UpstreamTimeout || err instanceof AttemptTimeout || (err instanceof UpstreamError && err.code === UPSTREAM_READ_TIMEOUT);
}

/**
 * Answers with a Content-Length up to this size are collected and sent with their head in one `res.end()`:
 * one corked write to the client instead of a write per chunk and an end. Larger answers stream.
 */
export const SMALL_ANSWER = 16 * 1024;

// Event listeners and timers shared by every request (no closures allocated per request): the response or
// the timer argument carries the ProxyRequest they act on.
const PROXY = Symbol('proxy');
type ProxiedResponse = ServerResponse & { [PROXY]: ProxyRequest };
function onClientClose(this: ProxiedResponse): void {
  this[PROXY].clientClosed();
}
function onDrain(this: ProxiedResponse): void {
  this[PROXY].drained();
}
function onTimeout(p: ProxyRequest): void {
  p.timedOut();
}
function onRetry(p: ProxyRequest): void {
  p.retryNow();
}
function onAttemptTimeout(p: ProxyRequest): void {
  p.attemptTimedOut();
}

/** The answer's headers with the backend's own Access-Control-* headers replaced by the filter's. */
function replaceCORSHeaders(headers: string[], cors: string[]): string[] {
  const out: string[] = [];
  // Names arrive as the backend wrote them.
  for (let i = 0; i < headers.length; i += 2) if (!isCORSResponseHeader(headers[i].toLowerCase())) out.push(headers[i], headers[i + 1]);
  for (const h of cors) out.push(h);
  return out;
}

/** Whether the request carries a body to stream upstream (RFC 9112 §6.3). */
export function hasBody(req: IncomingMessage): boolean {
  // HTTP/2: a request without body ends its stream with its headers.
  if (req.httpVersionMajor === 2) return !(req as unknown as Http2ServerRequest).stream.endAfterHeaders;
  const te = req.headers['transfer-encoding'];
  if (te !== undefined) return true;
  const cl = req.headers['content-length'];
  return cl !== undefined && cl !== '0';
}

export class ProxyRequest implements UpstreamHandler {
  private readonly req: IncomingMessage;
  private readonly res: ServerResponse;
  private readonly logger: Logger;
  private readonly ruleFilters: CompiledFilters | null;
  private readonly backendFilters: CompiledFilters | null;
  private controller: Controller | null = null;
  private done = false;
  private timer: NodeJS.Timeout | null = null;
  /** The current attempt's backendRequest timer, when the rule sets one with a retry policy. */
  private attemptTimer: NodeJS.Timeout | null = null;
  private readonly server: { readonly closing: boolean };
  private readonly target: ForwardTarget;
  private readonly body: Buffer | Readable | IncomingMessage | null;
  private readonly retry: CompiledRetry | null;
  private retriesLeft: number;
  private readonly corsHeaders: string[] | null;
  /** Attempts dropped for a retry: their late events are ignored. Null until the first retry. */
  private dropped: WeakSet<Controller> | null = null;
  /** The chunks of a small answer (see SMALL_ANSWER) until it ends; null while streaming. */
  private pending: Buffer[] | null = null;
  private pendingSize = 0;

  constructor(req: IncomingMessage, res: ServerResponse, target: ForwardTarget, logger: Logger) {
    this.req = req;
    this.res = res;
    this.logger = logger;
    this.ruleFilters = target.ruleFilters;
    this.backendFilters = target.backendFilters;
    this.server = target.server;
    this.target = target;
    this.corsHeaders = target.corsHeaders ?? null;
    const body = target.body !== undefined ? target.body : hasBody(req) ? req : null;
    this.body = body;
    // Only a body that can be read again (none, or a buffer) may be sent twice.
    this.retry = body === null || Buffer.isBuffer(body) ? (target.retry ?? null) : null;
    this.retriesLeft = this.retry?.attempts ?? 0;
    (res as ProxiedResponse)[PROXY] = this;
    res.on('close', onClientClose);
    if (target.timeoutMs > 0) this.timer = setTimeout(onTimeout, target.timeoutMs, this).unref();
    if (target.body === undefined && body === null) req.resume();
    this.send(target.pool);
  }

  private send(pool: UpstreamPool): void {
    const { method } = this.target;
    const attemptMs = this.target.attemptTimeoutMs ?? 0;
    if (attemptMs > 0) this.attemptTimer = setTimeout(onAttemptTimeout, attemptMs, this).unref();
    pool.dispatch(
      {
        method,
        path: this.target.path,
        headers: this.target.headers,
        body: this.body,
        // Let the pool send a request again on a fresh connection only when that cannot do harm twice.
        idempotent: this.body === null && (method === 'GET' || method === 'HEAD'),
      },
      this,
    );
  }

  /** Drops the current attempt and schedules the next one, if the policy and the state allow it. */
  private retryLater(controller: Controller, reason: Error | null): boolean {
    if (this.retry === null || this.retriesLeft <= 0 || this.done || this.res.destroyed || this.res.headersSent) return false;
    this.retriesLeft--;
    this.controller = null;
    this.clearAttemptTimer();
    if (controller) {
      (this.dropped ??= new WeakSet()).add(controller);
      if (reason === null && !controller.aborted) controller.abort(new Error('retrying'));
    }
    this.logger.debug({ path: this.req.url, error: reason?.message, left: this.retriesLeft }, 'retrying upstream request');
    setTimeout(onRetry, this.retry.backoffMs, this).unref();
    return true;
  }

  retryNow(): void {
    if (this.done || this.res.destroyed) return;
    const backend = this.target.backend;
    const pool =
      backend && backend.endpoints.length > 0 ? backend.endpoints[backend.next++ % backend.endpoints.length].pool : this.target.pool;
    try {
      this.send(pool);
    } catch (err) {
      this.finish(err as Error);
    }
  }

  clientClosed(): void {
    // The client left before the answer was complete: stop the upstream request too.
    if (!this.done && this.controller !== null && !this.controller.aborted) {
      this.controller.abort(new Error('client closed the connection'));
    }
  }

  timedOut(): void {
    this.timer = null;
    if (this.done) return;
    if (this.controller !== null && !this.controller.aborted) this.controller.abort(new UpstreamTimeout('timeout'));
    else this.finish(new UpstreamTimeout('timeout'));
  }

  attemptTimedOut(): void {
    this.attemptTimer = null;
    if (this.done) return;
    if (this.controller !== null && !this.controller.aborted) this.controller.abort(new AttemptTimeout('backendRequest timeout'));
  }

  private clearAttemptTimer(): void {
    if (this.attemptTimer !== null) {
      clearTimeout(this.attemptTimer);
      this.attemptTimer = null;
    }
  }

  drained(): void {
    this.controller?.resume();
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    // Answered already (timed out while queued for a connection) or the client left: send nothing.
    if (this.done) controller.abort(new UpstreamTimeout('timeout'));
    else if (this.res.destroyed) controller.abort(new Error('client closed the connection'));
  }

  onResponseStart(controller: Controller, statusCode: number, headers: string[], statusMessage: string, contentLength: number): void {
    // An attempt dropped for a retry may still report; only the current one writes.
    if (this.dropped !== null && this.dropped.has(controller)) return;
    if (this.retry !== null && this.retry.codes.has(statusCode) && this.retryLater(controller, null)) return;
    let list = headers;
    if (this.corsHeaders !== null) list = replaceCORSHeaders(list, this.corsHeaders);
    if (this.ruleFilters?.responseHeaders) list = applyHeaderEdits(this.ruleFilters.responseHeaders, list);
    if (this.backendFilters?.responseHeaders) list = applyHeaderEdits(this.backendFilters.responseHeaders, list);
    // The port closed or changed protocol while this request was in flight: do not keep its connection.
    if (this.server.closing) this.res.shouldKeepAlive = false;
    // HTTP/2 has no reason phrase (node warns when given one).
    // writeHead only stores the head; it leaves with the first body write or with end().
    if (statusMessage && this.req.httpVersionMajor === 1) this.res.writeHead(statusCode, statusMessage, list);
    else this.res.writeHead(statusCode, list);
    if (this.req.httpVersionMajor === 1 && contentLength > 0 && contentLength <= SMALL_ANSWER) this.pending = [];
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.dropped !== null && this.dropped.has(controller)) return;
    if (this.pending !== null) {
      this.pendingSize += chunk.length;
      if (this.pendingSize <= SMALL_ANSWER) {
        this.pending.push(chunk);
        return;
      }
      // More than it declared: stream from here on, and let node report the length mismatch.
      this.flushPending();
    }
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', onDrain);
    }
  }

  onResponseEnd(controller: Controller): void {
    if (this.dropped !== null && this.dropped.has(controller)) return;
    this.done = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.clearAttemptTimer();
    const pending = this.pending;
    if (pending === null || pending.length === 0) this.res.end();
    else {
      this.pending = null;
      // As a latin1 string (byte for byte the same), node joins the body to the head's string and sends both
      // with one write(2); given a Buffer it would gather head, body and an empty end chunk with writev(2).
      const body = pending.length === 1 ? pending[0] : Buffer.concat(pending, this.pendingSize);
      this.res.end(body.toString('latin1'), 'latin1');
    }
  }

  private flushPending(): void {
    const pending = this.pending!;
    this.pending = null;
    for (const c of pending) this.res.write(c);
  }

  onResponseError(controller: Controller, err: Error): void {
    if (controller && this.dropped !== null && this.dropped.has(controller)) return;
    // A connection refused or reset, or an attempt past its backendRequest time, is retried; the rule's
    // request timeout and the pool's read timeout end the request.
    if ((!isTimeout(err) || err instanceof AttemptTimeout) && this.retryLater(controller, err)) return;
    this.finish(err);
  }

  private finish(err: Error): void {
    if (this.done) return;
    this.done = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.clearAttemptTimer();
    if (this.res.destroyed) return;
    if (this.res.headersSent) {
      // The answer is half written: the only honest signal left is to cut the connection.
      this.res.destroy();
      return;
    }
    const timedOut = isTimeout(err);
    this.logger.debug({ error: err.message, path: this.req.url }, 'upstream request failed');
    sendLocal(this.res, timedOut ? UPSTREAM_TIMEOUT : UPSTREAM_FAILED);
  }
}
