// One listening socket per PortConfig.key. The socket stays open across applies; what serves the connections
// it accepts (a Generation: TLS termination for HTTPS, then node's HTTP/1 server or, for h2 and h2c clients,
// its HTTP/2 server) is swapped when the protocol changes, and each request reads the port's compiled config
// through one reference, so it sees the old or the new config as a whole.
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { CompiledPort } from './compile.ts';
import { BAD_REQUEST, sendLocalRaw } from './errors.ts';
import type { Logger } from '../log.ts';
import { handleRequest } from './http/handler.ts';
import { sniffPreface } from './http/preface.ts';
import { handleUpgrade } from './http/upstream/tunnel.ts';
import { selectContext } from './tls/contexts.ts';
import type { ListenerContext, PortTLS } from './tls/contexts.ts';
import { TLSTerminator } from './tls/terminate.ts';

const H2_IDLE_TIMEOUT_MS = 60_000;

function contextIds(t: PortTLS): Set<string> {
  const ids = new Set<string>();
  for (const ctx of t.exact.values()) ids.add(ctx.id);
  for (const [, ctx] of t.wildcards) ids.add(ctx.id);
  if (t.fallback !== null) ids.add(t.fallback.id);
  return ids;
}

/** An HTTP(S) server that is handed the connections of a port, and the connections it holds. */
class Generation {
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly server: http.Server;
  /** Serves HTTP/2 cleartext connections (prior knowledge); created on the first one. */
  private h2: http2.Http2Server | null = null;
  private readonly createH2: () => http2.Http2Server;
  readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  /** Set when the generation is retired: answers then carry `Connection: close`. */
  closing = false;
  /** For HTTPS: terminates TLS before the connection reaches a server. */
  readonly tls: TLSTerminator | null;

  constructor(
    protocol: 'HTTP' | 'HTTPS',
    server: http.Server,
    select: ((servername: string | null) => ListenerContext | null) | null,
    createH2: () => http2.Http2Server,
    logger: Logger,
  ) {
    this.protocol = protocol;
    this.server = server;
    this.createH2 = createH2;
    this.tls = select === null ? null : new TLSTerminator(select, (secure) => this.serveSecure(secure), logger);
  }

  accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    if (this.tls === null) sniffPreface(socket, (h2, first) => this.serve(socket, h2, first));
    else this.tls.accept(socket);
  }

  private serveSecure(secure: Socket & { alpnProtocol?: string | false | null }): void {
    if (secure.alpnProtocol === 'h2') this.serveH2(secure);
    else this.server.emit('connection', secure);
  }

  private serve(socket: Socket, h2: boolean, first: Buffer): void {
    if (!h2) {
      // Node's HTTP/1 server reads the socket's handle directly once it has the connection, so the bytes
      // already read are given to it as a 'data' event, which its parser executes first.
      this.server.emit('connection', socket);
      socket.emit('data', first);
      return;
    }
    // The HTTP/2 session takes what the socket has buffered before it reads the handle.
    socket.pause();
    socket.unshift(first);
    this.serveH2(socket);
  }

  private serveH2(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.h2 === null) {
      this.h2 = this.createH2();
      this.h2.on('session', (session: http2.ServerHttp2Session) => {
        this.sessions.add(session);
        session.once('close', () => this.sessions.delete(session));
        // Idle sessions go away as idle HTTP/1.1 keep-alive connections do (GOAWAY, then close).
        session.setTimeout(H2_IDLE_TIMEOUT_MS, () => session.close());
      });
    }
    this.h2.emit('connection', socket);
  }

  /** Stops keep-alive reuse, closes idle connections, waits for the rest up to `graceMs`, then cuts them. */
  retire(graceMs: number): Promise<void> {
    this.closing = true;
    this.server.closeIdleConnections();
    // HTTP/2 sessions finish their open streams and refuse new ones (GOAWAY), then close.
    for (const session of this.sessions) session.close();
    if (this.sockets.size === 0) return this.stop();
    const deadline = Date.now() + graceMs;
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        this.server.closeIdleConnections();
        if (this.sockets.size > 0 && Date.now() < deadline) return;
        clearInterval(timer);
        this.server.closeAllConnections();
        for (const s of this.sockets) s.destroy();
        resolve(this.stop());
      }, 50);
    });
  }

  private stop(): Promise<void> {
    // The server never listened itself (see PortListener); close() only stops its connection checks.
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export class PortListener {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  /** The compiled port every new request on this socket is served by. */
  current: CompiledPort;
  private generation: Generation;
  private readonly socket: net.Server;
  private readonly logger: Logger;
  private readonly retiring = new Set<Promise<void>>();

  constructor(port: CompiledPort, logger: Logger) {
    this.key = port.key;
    this.address = port.address;
    this.port = port.port;
    this.current = port;
    this.logger = logger.child({ port: port.key });
    this.generation = this.createGeneration(port.protocol);
    this.socket = net.createServer((s) => this.generation.accept(s));
    this.socket.on('error', (err) => this.logger.error({ error: err.message }, 'listening socket error'));
  }

  /** Binds the socket; rejects with the bind error (EADDRINUSE, EACCES, EADDRNOTAVAIL…). */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.socket.once('error', onError);
      // Not exclusive: in a node:cluster worker the primary owns the socket and shares it with every worker.
      this.socket.listen({ host: this.address, port: this.port }, () => {
        this.socket.off('error', onError);
        resolve();
      });
    });
  }

  /** Serves `port` from now on; a new protocol gets a new server while the old one drains its connections. */
  update(port: CompiledPort, graceMs: number): void {
    this.current = port;
    if (port.protocol !== this.generation.protocol) {
      const old = this.generation;
      this.generation = this.createGeneration(port.protocol);
      this.track(old.retire(graceMs));
    }
    if (port.tls !== null) this.generation.tls?.retain(contextIds(port.tls));
  }

  /** Stops accepting, lets in-flight requests finish and closes the connections. */
  async close(graceMs: number): Promise<void> {
    // The socket stops accepting at once; its close callback waits for the accepted connections, which the
    // retiring generations end (idle at once, busy after their answer, stragglers after graceMs).
    const closed = new Promise<void>((resolve) => this.socket.close(() => resolve()));
    this.track(this.generation.retire(graceMs));
    await Promise.all([...this.retiring]);
    await closed;
  }

  private track(p: Promise<void>): void {
    this.retiring.add(p);
    void p.then(() => this.retiring.delete(p));
  }

  /** SNI choice against the port's current config; no SNI gets the fallback key pairs. */
  private readonly selectContext = (servername: string | null): ListenerContext | null => {
    const tls = this.current.tls;
    if (tls === null) return null;
    return servername === null ? tls.fallback : selectContext(tls, servername);
  };

  private createGeneration(protocol: 'HTTP' | 'HTTPS'): Generation {
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      if (gen.closing) res.shouldKeepAlive = false;
      handleRequest(this.current, req, res, gen, this.logger);
    };
    // HTTPS connections reach the same kind of server once terminateTLS has made them TLS sockets.
    const server = http.createServer(onRequest);
    const createH2 = (): http2.Http2Server => {
      // The compatibility API gives requests and responses with the members the handler uses.
      const h2 = http2.createServer((req, res) =>
        handleRequest(this.current, req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse, gen, this.logger),
      );
      h2.on('sessionError', (err: Error) => this.logger.debug({ error: err.message }, 'HTTP/2 session error'));
      return h2;
    };
    const gen = new Generation(protocol, server, protocol === 'HTTPS' ? this.selectContext : null, createH2, this.logger);
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) =>
      handleUpgrade(this.current, req, socket, head, this.logger),
    );
    server.on('clientError', (err: NodeJS.ErrnoException & { library?: string }, socket: Duplex) => {
      // Malformed requests get 400 (as node would answer without this handler); resets and failed TLS
      // handshakes (OpenSSL errors carry `library`) are just closed.
      if (err.code === 'ECONNRESET' || !socket.writable) socket.destroy();
      else if (err.library !== undefined || err.code?.startsWith('ERR_SSL') === true) {
        this.logger.debug({ error: err.message }, 'TLS handshake failed');
        socket.destroy();
      } else sendLocalRaw(socket, BAD_REQUEST);
    });
    // These servers never listen: connections come from the port's socket. Emitting 'listening' starts
    // node's connection tracking, which closeIdleConnections() and the request timeouts rely on.
    server.emit('listening');
    return gen;
  }
}
