// Tells HTTP/2 cleartext with prior knowledge (RFC 9113 §3.3) from HTTP/1.x by the first bytes of a connection.
import type { Socket } from 'node:net';
import { readFirstBytes } from '../first-bytes.ts';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** A client that connects and sends nothing is dropped after this long. */
const FIRST_BYTES_TIMEOUT_MS = 30_000;

/**
 * Reads until the bytes either differ from the HTTP/2 preface or match all of it, then calls `onProtocol`
 * with the bytes read, which the caller hands on. An HTTP/1.x request differs by its first or second byte,
 * so the wait is one read.
 */
export function sniffPreface(socket: Socket, onProtocol: (h2: boolean, first: Buffer) => void): void {
  readFirstBytes(socket, FIRST_BYTES_TIMEOUT_MS, isPreface, onProtocol);
}

/** True or false once the bytes match all of the preface or differ from it; undefined while they may still. */
function isPreface(seen: Buffer): boolean | undefined {
  const n = Math.min(seen.length, PREFACE.length);
  const h2 = seen.compare(PREFACE, 0, n, 0, n) === 0;
  return h2 && n < PREFACE.length ? undefined : h2;
}
