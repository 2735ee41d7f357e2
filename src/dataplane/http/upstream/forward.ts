// One proxied request over an endpoint's keep-alive pool: the answer streams straight into the client's
// response, with backpressure both ways, and a client that goes away cancels the upstream request.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../../log.ts';
import type { CompiledFilters } from '../../compile.ts';
import { sendLocal, UPSTREAM_FAILED, UPSTREAM_TIMEOUT } from '../../errors.ts';
import { applyHeaderEdits } from '../filters/header-edits.ts';
import { forwardResponseHeaders } from '../headers.ts';

type Controller = Dispatcher.DispatchController;

export interface ForwardTarget {
  pool: Dispatcher;
  method: string;
  /** Path and query to send. */
  path: string;
  headers: string[];
  /** Response header edits: the rule's, then the backendRef's. */
  ruleFilters: CompiledFilters | null;
  backendFilters: CompiledFilters | null;
  /** Milliseconds until the gateway gives up with 504; 0 for no limit. */
  timeoutMs: number;
  /** The server the request arrived on; once it is closing, answers end their connection. */
  server: { readonly closing: boolean };
}

/** Marks an upstream request the gateway aborted because its timeout passed. */
class UpstreamTimeout extends Error {}

/** Whether the request carries a body to stream upstream (RFC 9112 §6.3). */
function hasBody(req: IncomingMessage): boolean {
  // HTTP/2: a request without body ends its stream with its headers.
  if (req.httpVersionMajor === 2) return !(req as unknown as Http2ServerRequest).stream.endAfterHeaders;
  const te = req.headers['transfer-encoding'];
  if (te !== undefined) return true;
  const cl = req.headers['content-length'];
  return cl !== undefined && cl !== '0';
}

export class ProxyRequest implements Dispatcher.DispatchHandler {
  private readonly req: IncomingMessage;
  private readonly res: ServerResponse;
  private readonly logger: Logger;
  private readonly ruleFilters: CompiledFilters | null;
  private readonly backendFilters: CompiledFilters | null;
  private controller: Controller | null = null;
  private done = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly server: { readonly closing: boolean };

  constructor(req: IncomingMessage, res: ServerResponse, target: ForwardTarget, logger: Logger) {
    this.req = req;
    this.res = res;
    this.logger = logger;
    this.ruleFilters = target.ruleFilters;
    this.backendFilters = target.backendFilters;
    this.server = target.server;
    res.once('close', this.onClientClose);
    if (target.timeoutMs > 0) this.timer = setTimeout(this.onTimeout, target.timeoutMs).unref();
    const body = hasBody(req) ? req : null;
    if (body === null) req.resume();
    target.pool.dispatch(
      {
        method: target.method,
        path: target.path,
        headers: target.headers,
        body,
        // Let the pool send a request again on a fresh connection only when that cannot do harm twice.
        idempotent: body === null && (target.method === 'GET' || target.method === 'HEAD'),
      },
      this,
    );
  }

  private readonly onClientClose = (): void => {
    // The client left before the answer was complete: stop the upstream request too.
    if (!this.done && this.controller !== null && !this.controller.aborted) {
      this.controller.abort(new Error('client closed the connection'));
    }
  };

  private readonly onTimeout = (): void => {
    this.timer = null;
    if (this.done) return;
    if (this.controller !== null && !this.controller.aborted) this.controller.abort(new UpstreamTimeout('timeout'));
    else this.finish(new UpstreamTimeout('timeout'));
  };

  private readonly onDrain = (): void => {
    this.controller?.resume();
  };

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    // Answered already (timed out while queued for a connection) or the client left: send nothing.
    if (this.done) controller.abort(new UpstreamTimeout('timeout'));
    else if (this.res.destroyed) controller.abort(new Error('client closed the connection'));
  }

  onResponseStart(_controller: Controller, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    let list = forwardResponseHeaders(headers);
    if (this.ruleFilters?.responseHeaders) list = applyHeaderEdits(this.ruleFilters.responseHeaders, list);
    if (this.backendFilters?.responseHeaders) list = applyHeaderEdits(this.backendFilters.responseHeaders, list);
    // The port closed or changed protocol while this request was in flight: do not keep its connection.
    if (this.server.closing) this.res.shouldKeepAlive = false;
    // HTTP/2 has no reason phrase (node warns when given one).
    if (statusMessage && this.req.httpVersionMajor === 1) this.res.writeHead(statusCode, statusMessage, list);
    else this.res.writeHead(statusCode, list);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', this.onDrain);
    }
  }

  onResponseEnd(): void {
    this.done = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.res.end();
  }

  onResponseError(_controller: Controller, err: Error): void {
    this.finish(err);
  }

  private finish(err: Error): void {
    if (this.done) return;
    this.done = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.res.destroyed) return;
    if (this.res.headersSent) {
      // The answer is half written: the only honest signal left is to cut the connection.
      this.res.destroy();
      return;
    }
    const timedOut = err instanceof UpstreamTimeout;
    this.logger.debug({ error: err.message, path: this.req.url }, 'upstream request failed');
    sendLocal(this.res, timedOut ? UPSTREAM_TIMEOUT : UPSTREAM_FAILED);
  }
}
