// HTTP/2 cleartext backends (appProtocol kubernetes.io/h2c) stay on undici's H2CClient: one connection with
// multiplexed streams. This adapts its dispatch handlers to the pool interface of dispatch.ts.
import type { IncomingHttpHeaders } from 'node:http';
import { H2CClient } from 'undici';
import type { Dispatcher } from 'undici';
import { forwardResponseHeaders } from '../headers.ts';
import type { UpstreamController, UpstreamHandler, UpstreamPool, UpstreamRequest } from './dispatch.ts';

/** The declared Content-Length of an answer, or -1. */
function declaredLength(headers: IncomingHttpHeaders): number {
  const cl = headers['content-length'];
  if (typeof cl !== 'string' || !/^\d{1,15}$/.test(cl)) return -1;
  return Number(cl);
}

/** Passes undici's handler calls on; undici's controller has the same members as ours. */
class H2CHandler implements Dispatcher.DispatchHandler {
  private readonly handler: UpstreamHandler;

  constructor(handler: UpstreamHandler) {
    this.handler = handler;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.handler.onRequestStart(controller);
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders, reason?: string): void {
    this.handler.onResponseStart(controller, status, forwardResponseHeaders(headers), reason ?? '', declaredLength(headers));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.handler.onResponseData(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController): void {
    this.handler.onResponseEnd(controller);
  }

  onResponseError(controller: Dispatcher.DispatchController | null, err: Error): void {
    // Undici may fail a request before it has a controller; the handler still needs one to match on.
    this.handler.onResponseError(controller ?? ABORTED, err);
  }
}

/** Stands in for a controller undici did not create. */
const ABORTED: UpstreamController = {
  aborted: true,
  paused: false,
  abort() {},
  pause() {},
  resume() {},
};

export class H2CPool implements UpstreamPool {
  private readonly client: H2CClient;

  constructor(origin: string, keepAliveMs: number) {
    this.client = new H2CClient(`http://${origin}`, {
      keepAliveTimeout: keepAliveMs,
      keepAliveMaxTimeout: keepAliveMs,
      // The proxy streams bodies of any size for as long as both sides keep sending.
      bodyTimeout: 0,
      headersTimeout: 0,
    });
  }

  dispatch(request: UpstreamRequest, handler: UpstreamHandler): void {
    const h = new H2CHandler(handler);
    try {
      this.client.dispatch(request, h);
    } catch (err) {
      h.onResponseError(null, err as Error);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
