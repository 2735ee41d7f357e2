// TLS termination of an accepted connection: read the ClientHello's SNI, pick the listener's key pairs,
// then run the handshake with a context that holds all of them (OpenSSL picks what the client supports).
import tls from 'node:tls';
import type { Socket } from 'node:net';
import type { Logger } from '../../log.ts';
import { readServerName } from './client-hello.ts';
import { readFirstBytes } from '../first-bytes.ts';
import type { ListenerContext } from './contexts.ts';

/** A client that connects and does not complete its handshake is dropped after this long. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** A terminated connection: `alpnProtocol` says h2 or HTTP/1.1, `servername` the SNI (false without one). */
export type SecureSocket = tls.TLSSocket;

/**
 * One node tls.Server (never listening) per set of key pairs: its default context holds every pair, which is
 * what lets OpenSSL choose RSA or ECDSA per client. Connections are handed to the server of the listener
 * their SNI names; `onSecure` gets each socket once its handshake is done, with `alpnProtocol` and
 * `servername` set.
 */
export class TLSTerminator {
  private servers = new Map<string, tls.Server>();
  private readonly select: (servername: string | null) => ListenerContext | null;
  private readonly onSecure: (secure: SecureSocket) => void;
  private readonly logger: Logger;

  constructor(
    select: (servername: string | null) => ListenerContext | null,
    onSecure: (secure: SecureSocket) => void,
    logger: Logger,
  ) {
    this.select = select;
    this.onSecure = onSecure;
    this.logger = logger;
  }

  accept(socket: Socket): void {
    readFirstBytes(socket, HANDSHAKE_TIMEOUT_MS, readServerName, (name, bytes) => {
      // The bytes read so far go back into the socket; the TLS socket reads what is buffered first.
      socket.pause();
      socket.unshift(bytes);
      const ctx = this.select(name);
      if (ctx === null) {
        this.logger.debug({ servername: name }, 'no certificate for this server name');
        socket.destroy();
        return;
      }
      this.server(ctx).emit('connection', socket);
    });
  }

  /** Forgets the servers of key pairs the current config no longer uses. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.servers.keys()) if (!ids.has(id)) this.servers.delete(id);
  }

  private server(ctx: ListenerContext): tls.Server {
    let server = this.servers.get(ctx.id);
    if (server === undefined) {
      server = tls.createServer({ ...ctx.options, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
      server.on('secureConnection', (secure: tls.TLSSocket) => this.onSecure(secure));
      server.on('tlsClientError', (err: Error) => this.logger.debug({ error: err.message }, 'TLS handshake failed'));
      this.servers.set(ctx.id, server);
    }
    return server;
  }
}
