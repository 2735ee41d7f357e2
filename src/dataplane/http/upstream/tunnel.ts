// Upgrade requests (WebSocket and others): routed like any request, then the connection becomes a byte
// tunnel to the endpoint, which answers the upgrade (101) itself.
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../../log.ts';
import { ACTION_DIRECT, ACTION_REDIRECT } from '../../compile.ts';
import type { CompiledPort } from '../../compile.ts';
import { INTERNAL, sendLocalRaw, UPSTREAM_FAILED } from '../../errors.ts';
import { hostWithoutPort } from '../../hostname.ts';
import { redirectLocation } from '../filters/redirect.ts';
import { editRequestHeaders, pickBackend, rewrite, route } from '../handler.ts';
import { forwardRequestHeaders } from '../headers.ts';

function requestHead(method: string, target: string, headers: string[]): string {
  let head = `${method} ${target} HTTP/1.1\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${head}\r\n`;
}

export function handleUpgrade(
  port: CompiledPort,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  logger: Logger,
): void {
  socket.on('error', () => socket.destroy());
  try {
    const routed = route(port, req);
    if ('status' in routed) return sendLocalRaw(socket, routed);
    const { view, rule } = routed;
    if (rule.action === ACTION_REDIRECT) {
      const r = rule.redirect!;
      const location = redirectLocation(r, hostWithoutPort(req.headers.host), view.path, view.query);
      socket.end(`HTTP/1.1 ${r.status} Redirect\r\nlocation: ${location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      return;
    }
    if (rule.action === ACTION_DIRECT) return sendLocalRaw(socket, rule.direct!);
    const backend = pickBackend(rule);
    if ('status' in backend) return sendLocalRaw(socket, backend);
    const endpoint = backend.endpoints[backend.next++ % backend.endpoints.length];
    const [host, path] = rewrite(rule.filters, backend.filters, req.headers.host ?? '', view.path);
    const headers = editRequestHeaders(
      rule,
      backend,
      forwardRequestHeaders(req.rawHeaders, req.headers.connection, host, req.socket.remoteAddress ?? '', rule.scheme, true),
    );
    const target = view.query === null ? path : `${path}?${view.query}`;
    const upstream = net.connect({ host: endpoint.address, port: endpoint.port });
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      upstream.write(requestHead(view.method, target, headers));
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', (err) => {
      logger.debug({ error: err.message, endpoint: endpoint.key }, 'upgrade tunnel failed');
      if (!connected) sendLocalRaw(socket, UPSTREAM_FAILED);
      else socket.destroy();
    });
    // A clean end travels through pipe() (end after the last byte); only a broken tunnel is cut at once.
    upstream.on('close', (hadError) => {
      if (hadError && connected) socket.destroy();
    });
    socket.on('close', () => upstream.destroy());
  } catch (err) {
    logger.error({ err, url: req.url }, 'upgrade handling failed');
    sendLocalRaw(socket, INTERNAL);
  }
}
