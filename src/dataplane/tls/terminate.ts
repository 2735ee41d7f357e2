// TLS termination of an accepted connection: read the ClientHello's SNI, pick the listener's key pairs,
// then run the handshake with a context that holds all of them (OpenSSL picks what the client supports).
import tls from 'node:tls';
import type { Socket } from 'node:net';
import type { Logger } from '../../log.ts';
import { readServerName } from './client-hello.ts';
import type { ListenerContext } from './contexts.ts';
import { TLS_SERVER_OPTIONS } from './contexts.ts';

/** A client that connects and sends no ClientHello is dropped after this long. */
const HELLO_TIMEOUT_MS = 10_000;

export function terminateTLS(
  socket: Socket,
  select: (servername: string | null) => ListenerContext | null,
  onSecure: (secure: tls.TLSSocket) => void,
  logger: Logger,
): void {
  let buffered: Buffer | null = null;
  const onTimeout = (): void => {
    socket.destroy();
  };
  const onError = (): void => {
    socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    buffered = buffered === null ? chunk : Buffer.concat([buffered, chunk]);
    const name = readServerName(buffered);
    if (name === undefined) return;
    socket.off('data', onData);
    socket.off('timeout', onTimeout);
    socket.off('error', onError);
    socket.setTimeout(0);
    socket.pause();
    socket.unshift(buffered);
    buffered = null;
    const ctx = select(name);
    if (ctx === null) {
      logger.debug({ servername: name }, 'no certificate for this server name');
      socket.destroy();
      return;
    }
    // The bytes read so far are handed to the TLS socket, which reads what is buffered first.
    const secure = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: ctx.context,
      ALPNProtocols: [...TLS_SERVER_OPTIONS.ALPNProtocols],
    });
    onSecure(secure);
  };
  socket.setTimeout(HELLO_TIMEOUT_MS);
  socket.on('timeout', onTimeout);
  socket.on('error', onError);
  socket.on('data', onData);
}
