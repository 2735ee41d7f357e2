// Retry (spec: HTTPRouteRetry, GEP-1731): which answers are retried, how often, and which request bodies
// can be sent twice.
import type { IncomingMessage } from 'node:http';
import type { RetryConfig } from '../../../config/types.ts';

/** Largest body buffered so that a request with a body can be retried; larger bodies stream, unretried. */
export const MAX_REPLAY_BODY = 64 * 1024;

export interface CompiledRetry {
  /** Answer statuses to retry. */
  codes: Set<number>;
  /** Retries after the first attempt. */
  attempts: number;
  backoffMs: number;
}

export function compileRetry(r: RetryConfig | undefined): CompiledRetry | null {
  if (r === undefined || r.attempts <= 0) return null;
  return { codes: new Set(r.codes), attempts: r.attempts, backoffMs: Math.max(0, r.backoffMs) };
}

/**
 * Whether a request body can be buffered for replay: a declared Content-Length up to MAX_REPLAY_BODY.
 * A chunked body of unknown size is streamed and not retried, so that retries never hold big bodies.
 */
export function replayableLength(req: IncomingMessage): boolean {
  if (req.httpVersionMajor === 1 && req.headers['transfer-encoding'] !== undefined) return false;
  const cl = req.headers['content-length'];
  if (cl === undefined) return false;
  const n = Number(cl);
  return Number.isInteger(n) && n >= 0 && n <= MAX_REPLAY_BODY;
}

/** Reads a whole (small) body; null when the client goes away before it ends or sends more than declared. */
export function readBody(req: IncomingMessage, done: (body: Buffer | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (body: Buffer | null): void => {
    if (finished) return;
    finished = true;
    done(body);
  };
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_REPLAY_BODY) {
      finish(null);
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.once('end', () => finish(Buffer.concat(chunks, size)));
  req.once('close', () => finish(null));
  req.once('error', () => finish(null));
}
