// nginx configurations: the backend (two ports answering `return 200` with a fixed body) and nginx as the
// reverse proxy under test. One worker each, like onramp's one process; logs off; everything inside `dir`.

import type { HostPort, Topology } from './topology.ts';
import { BODY_A, BODY_B } from './topology.ts';

function preamble(dir: string): string {
  // As root, nginx would switch its worker to `nobody`, which cannot write our temp dir; stay who we are.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `${user}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; multi_accept on; }
`;
}

function httpCommon(dir: string): string {
  return `  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
`;
}

/** The fast backend: backend A and B are two ports of one nginx. */
export function nginxBackendConf(dir: string, a: HostPort, b: HostPort): string {
  return `${preamble(dir)}http {
${httpCommon(dir)}  default_type text/plain;
  server { listen ${a.host}:${a.port}; location / { return 200 ${JSON.stringify(BODY_A)}; } }
  server { listen ${b.host}:${b.port}; location / { return 200 ${JSON.stringify(BODY_B)}; } }
}
`;
}

/** How the proxy's port speaks to clients: HTTP/1.1 (the default), HTTP/2 cleartext, or HTTP/2 over TLS. */
export type FrontProtocol = 'http/1.1' | 'h2c' | 'h2';

/** TLS key pair files, for the `h2` front. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/**
 * nginx as the proxy under test, with keep-alive upstreams (HTTP/1.1, Connection cleared). nginx 1.22 takes
 * `http2` on a plain listener as HTTP/2 with prior knowledge (h2c), and `ssl http2` as ALPN h2.
 */
export function nginxProxyConf(dir: string, t: Topology, front: FrontProtocol = 'http/1.1', tls?: TlsFiles): string {
  const listenFlags = front === 'h2c' ? ' http2' : front === 'h2' ? ' ssl http2' : '';
  const certs = front === 'h2' && tls ? `  ssl_certificate ${tls.certFile};\n  ssl_certificate_key ${tls.keyFile};\n` : '';
  const proxy = (upstream: string): string =>
    `proxy_pass http://${upstream}; proxy_http_version 1.1; proxy_set_header Connection ""; ` +
    `proxy_set_header Host $http_host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; ` +
    `proxy_set_header X-Forwarded-Proto $scheme;`;
  return `${preamble(dir)}http {
${httpCommon(dir)}${certs}  upstream backend_a { server ${t.backendA.host}:${t.backendA.port}; keepalive ${t.upstreamKeepalive}; keepalive_requests 1000000; }
  upstream backend_b { server ${t.backendB.host}:${t.backendB.port}; keepalive ${t.upstreamKeepalive}; keepalive_requests 1000000; }
  server {
    listen ${t.listen.host}:${t.listen.port}${listenFlags} default_server;
    return 404;
  }
  server {
    listen ${t.listen.host}:${t.listen.port}${listenFlags};
    server_name ${t.hostname};
    # PathPrefix ${t.prefix} matches ${t.prefix} and ${t.prefix}/..., not ${t.prefix}x (Gateway API path semantics).
    location = ${t.prefix} { ${proxy('backend_a')} }
    location ${t.prefix}/ { ${proxy('backend_a')} }
    location / { ${proxy('backend_b')} }
  }
}
`;
}
