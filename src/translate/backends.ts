// backendRefs → weighted backends with endpoints (spec: HTTPBackendRef, BackendObjectReference). A Service
// resolves through its EndpointSlices as kube-proxy does: slices labelled kubernetes.io/service-name, the
// slice port whose name equals the Service port's name (the slice already holds the resolved targetPort),
// ready endpoints only.
import type { BackendObjectReference, EndpointSlice, ReferenceGrant, Service, ServicePort } from '../api/types.ts';
import type { BackendConfig, EndpointConfig } from '../config/types.ts';
import { problem, Reason, type Problem } from './conditions.ts';
import { referenceAllowed } from './refgrant.ts';
import { list, strings } from './input.ts';

export interface BackendIndex {
  service(namespace: string, name: string): Service | undefined;
  slices(namespace: string, serviceName: string): readonly EndpointSlice[];
  grants: readonly ReferenceGrant[];
}

export function indexBackends(
  services: readonly Service[],
  slices: readonly EndpointSlice[],
  grants: readonly ReferenceGrant[],
): BackendIndex {
  const svc = new Map<string, Service>();
  for (const s of services) svc.set(`${s.metadata.namespace ?? 'default'}/${s.metadata.name}`, s);
  const bySvc = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const owner = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!owner) continue;
    const key = `${s.metadata.namespace ?? 'default'}/${owner}`;
    bySvc.set(key, [...(bySvc.get(key) ?? []), s]);
  }
  return {
    service: (namespace, name) => svc.get(`${namespace}/${name}`),
    slices: (namespace, name) => bySvc.get(`${namespace}/${name}`) ?? [],
    grants,
  };
}

/** Upstream protocols by Service appProtocol (GEP-1911); absent or plain HTTP is HTTP/1.1. */
const APP_PROTOCOLS: Record<string, BackendConfig['protocol']> = {
  http: 'http/1.1',
  'kubernetes.io/h2c': 'h2c',
  'kubernetes.io/ws': 'http/1.1',
};

export interface ResolvedBackend {
  backend: BackendConfig;
  /** ResolvedRefs False with this problem; the backend then has `endpoints: null` (500 for its share). */
  problem: Problem | null;
}

function endpointsOf(index: BackendIndex, namespace: string, service: Service, port: ServicePort): EndpointConfig[] {
  const seen = new Set<string>();
  const out: EndpointConfig[] = [];
  for (const slice of index.slices(namespace, service.metadata.name)) {
    const slicePort = list(slice.ports).find((p) => (p.name ?? '') === (port.name ?? ''));
    if (!slicePort || typeof slicePort.port !== 'number') continue;
    for (const ep of list(slice.endpoints)) {
      // Kubernetes: an absent `ready` means ready.
      if (ep.conditions?.ready === false) continue;
      for (const address of strings(ep.addresses)) {
        const key = `${address}:${slicePort.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ address, port: slicePort.port });
      }
    }
  }
  // A copy without the spare room of an array grown by push: backends live as long as their routes.
  return out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port)).slice();
}

/** Resolves one backendRef of a route in `routeNamespace`; weight and filters are the caller's. */
export function resolveBackend(
  ref: BackendObjectReference,
  routeKind: string,
  routeNamespace: string,
  weight: number,
  index: BackendIndex,
): ResolvedBackend {
  const group = ref.group ?? '';
  const kind = ref.kind ?? 'Service';
  const namespace = ref.namespace ?? routeNamespace;
  const name = `${namespace}/${ref.name}${ref.port !== undefined ? `:${ref.port}` : ''}`;
  const invalid = (p: Problem): ResolvedBackend => ({
    backend: { name, weight, endpoints: null, protocol: 'http/1.1', filters: null },
    problem: p,
  });
  if (group !== '' || kind !== 'Service') {
    return invalid(problem(Reason.InvalidKind, `backendRef kind ${group ? `${group}/` : ''}${kind} is not supported; only core Service`));
  }
  // Spec (BackendObjectReference.namespace): a cross-namespace reference needs a ReferenceGrant. Checked
  // before existence so that a route cannot probe another namespace for Services.
  const allowed = referenceAllowed(
    index.grants,
    { group: 'gateway.networking.k8s.io', kind: routeKind, namespace: routeNamespace },
    { group: '', kind: 'Service', namespace, name: ref.name },
  );
  if (!allowed) return invalid(problem(Reason.RefNotPermitted, `no ReferenceGrant allows a reference to Service ${namespace}/${ref.name}`));
  const service = index.service(namespace, ref.name);
  if (!service) return invalid(problem(Reason.BackendNotFound, `Service ${namespace}/${ref.name} not found`));
  // Spec (CEL on HTTPBackendRef): "Must have port for Service reference".
  if (ref.port === undefined) return invalid(problem(Reason.BackendNotFound, `backendRef to Service ${namespace}/${ref.name} has no port`));
  if (service.spec?.type === 'ExternalName') {
    // ExternalName Services resolve by DNS in the data plane (DESIGN.md); the name is the endpoint address.
    const external = service.spec.externalName;
    if (!external) return invalid(problem(Reason.BackendNotFound, `ExternalName Service ${namespace}/${ref.name} has no externalName`));
    const port = list(service.spec.ports).find((p) => p.port === ref.port);
    const protocol = appProtocol(port?.appProtocol);
    if (protocol === null) return invalid(unsupportedProtocol(port?.appProtocol, namespace, ref.name));
    return { backend: { name, weight, endpoints: [{ address: external, port: ref.port }], protocol, filters: null }, problem: null };
  }
  const port = list(service.spec?.ports).find((p) => p.port === ref.port);
  if (!port) return invalid(problem(Reason.BackendNotFound, `Service ${namespace}/${ref.name} has no port ${ref.port}`));
  const protocol = appProtocol(port.appProtocol);
  if (protocol === null) return invalid(unsupportedProtocol(port.appProtocol, namespace, ref.name));
  return {
    backend: { name, weight, endpoints: endpointsOf(index, namespace, service, port), protocol, filters: null },
    problem: null,
  };
}

function appProtocol(value: string | undefined): BackendConfig['protocol'] | null {
  if (value === undefined || value === '') return 'http/1.1';
  return APP_PROTOCOLS[value] ?? null;
}

/** Spec (RouteReasonUnsupportedProtocol): the Service port's appProtocol is one onramp cannot speak. */
function unsupportedProtocol(value: string | undefined, namespace: string, name: string): Problem {
  return problem(Reason.UnsupportedProtocol, `appProtocol ${value} of Service ${namespace}/${name} is not supported`);
}
