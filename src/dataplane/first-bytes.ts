// Reads the first bytes of an accepted connection until a decision can be taken from them (HTTP/2 preface or
// not, the ClientHello's SNI), without consuming them for whoever handles the connection next.
import type { Socket } from 'node:net';

/**
 * Buffers what `socket` sends until `decide(bytes)` returns something other than undefined, then calls
 * `onDecided` with that value and the bytes read. A connection that errors or sends too little within
 * `timeoutMs` is destroyed. The caller hands the bytes on (e.g. `socket.unshift`).
 */
export function readFirstBytes<T>(
  socket: Socket,
  timeoutMs: number,
  decide: (bytes: Buffer) => T | undefined,
  onDecided: (decision: T, bytes: Buffer) => void,
): void {
  let seen: Buffer | null = null;
  const cleanup = (): void => {
    socket.off('data', onData);
    socket.off('timeout', drop);
    socket.off('error', drop);
    socket.setTimeout(0);
  };
  const drop = (): void => {
    cleanup();
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    seen = seen === null ? chunk : Buffer.concat([seen, chunk]);
    const decision = decide(seen);
    if (decision === undefined) return;
    cleanup();
    const bytes = seen;
    seen = null;
    onDecided(decision, bytes);
  };
  socket.setTimeout(timeoutMs);
  socket.on('timeout', drop);
  socket.on('error', drop);
  socket.on('data', onData);
}
