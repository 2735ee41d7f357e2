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

/** nginx as the proxy under test, with keep-alive upstreams (HTTP/1.1, Connection cleared). */
export function nginxProxyConf(dir: string, t: Topology): string {
  const proxy = (upstream: string): string =>
    `proxy_pass http://${upstream}; proxy_http_version 1.1; proxy_set_header Connection ""; ` +
    `proxy_set_header Host $http_host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; ` +
    `proxy_set_header X-Forwarded-Proto $scheme;`;
  return `${preamble(dir)}http {
${httpCommon(dir)}  upstream backend_a { server ${t.backendA.host}:${t.backendA.port}; keepalive ${t.upstreamKeepalive}; keepalive_requests 1000000; }
  upstream backend_b { server ${t.backendB.host}:${t.backendB.port}; keepalive ${t.upstreamKeepalive}; keepalive_requests 1000000; }
  server {
    listen ${t.listen.host}:${t.listen.port} default_server;
    return 404;
  }
  server {
    listen ${t.listen.host}:${t.listen.port};
    server_name ${t.hostname};
    # PathPrefix ${t.prefix} matches ${t.prefix} and ${t.prefix}/..., not ${t.prefix}x (Gateway API path semantics).
    location = ${t.prefix} { ${proxy('backend_a')} }
    location ${t.prefix}/ { ${proxy('backend_a')} }
    location / { ${proxy('backend_b')} }
  }
}
`;
}
