// onramp's input for the HTTP/2 benchmarks: the comparison's routing behind an HTTP listener (clients speak
// h2c with prior knowledge to it) or an HTTPS listener terminating TLS with the bench key pair (ALPN h2).

import type { KubeObject } from '../../src/api/types.ts';
import type { BenchCert } from '../certs.ts';
import type { FrontProtocol } from './nginx.ts';
import { benchObjects } from './onramp.ts';
import type { Topology } from './topology.ts';

const TLS_SECRET = 'bench-tls';

export function h2Objects(t: Topology, front: FrontProtocol, cert: BenchCert | null): KubeObject[] {
  const objects = benchObjects(t);
  if (front !== 'h2') return objects;
  if (cert === null) throw new Error('the h2 front needs a key pair');
  for (const o of objects) {
    if (o.kind !== 'Gateway') continue;
    const spec = (o as unknown as { spec: { listeners: Record<string, unknown>[] } }).spec;
    spec.listeners = spec.listeners.map((l) => ({
      ...l,
      name: 'https',
      protocol: 'HTTPS',
      tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: TLS_SECRET }] },
    }));
  }
  objects.push({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: TLS_SECRET, namespace: 'default' },
    type: 'kubernetes.io/tls',
    stringData: { 'tls.crt': cert.cert, 'tls.key': cert.key },
  } as unknown as KubeObject);
  return objects;
}
