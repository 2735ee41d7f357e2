// The Gateway CRD's CEL rules (x-kubernetes-validations in gateway.networking.k8s.io_gateways.yaml, v1.6.1)
// plus the field documentation's "required if" that the schema cannot express. Fields are read with their
// CRD defaults applied (address type IPAddress, tls.mode Terminate), as the API server would before CEL.
import { isIP } from 'node:net';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => obj(x) ?? {}) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;

export function gatewayRules(gateway: Obj): string[] {
  const spec = obj(gateway.spec);
  if (!spec) return [];
  const reasons: string[] = [];
  addressRules(list(spec.addresses), reasons);
  const infrastructure = obj(spec.infrastructure);
  if (infrastructure) {
    for (const field of ['labels', 'annotations']) {
      for (const key of Object.keys(obj(infrastructure[field]) ?? {})) {
        const what = field === 'labels' ? 'Label' : 'Annotation';
        if (!QUALIFIED_KEY.test(key)) {
          reasons.push(`spec.infrastructure.${field}: ${what} keys must be in the form of an optional DNS subdomain prefix followed by a required name segment of up to 63 characters. (key "${key}")`);
        } else if (key.split('/')[0].length >= 253) {
          reasons.push(`spec.infrastructure.${field}: If specified, the ${what.toLowerCase()} key's prefix must be a DNS subdomain not longer than 253 characters in total.`);
        }
      }
    }
  }
  listenerRules(list(spec.listeners), reasons);
  const perPort = list(obj(obj(spec.tls)?.frontend)?.perPort);
  const ports = perPort.map((t) => t.port);
  if (new Set(ports).size !== ports.length) reasons.push('spec.tls.frontend.perPort: Port for TLS configuration must be unique within the Gateway');
  return reasons;
}

function addressRules(addresses: Obj[], reasons: string[]): void {
  const seen: Record<string, Set<unknown>> = { IPAddress: new Set(), Hostname: new Set() };
  const reported = new Set<string>();
  addresses.forEach((a, i) => {
    const type = str(a.type) ?? 'IPAddress';
    if (type === 'Hostname' && typeof a.value === 'string' && a.value !== '' && !HOSTNAME.test(a.value)) {
      reasons.push(`spec.addresses[${i}]: Hostname value must be empty or contain only valid characters (matching ${HOSTNAME.source})`);
    }
    const values = seen[type];
    if (!values || a.value === undefined) return;
    if (values.has(a.value) && !reported.has(type)) {
      reported.add(type);
      reasons.push(`spec.addresses: ${type} values must be unique`);
    }
    values.add(a.value);
  });
}

function listenerRules(listeners: Obj[], reasons: string[]): void {
  const names = new Set<unknown>();
  const combos = new Set<string>();
  let duplicateName = false;
  let duplicateCombo = false;
  listeners.forEach((l, i) => {
    const at = `spec.listeners[${i}]`;
    const protocol = str(l.protocol) ?? '';
    const tls = obj(l.tls);
    const mode = str(tls?.mode) ?? 'Terminate';
    if (['HTTP', 'TCP', 'UDP'].includes(protocol) && l.tls !== undefined) {
      reasons.push(`${at}: tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']`);
    }
    // Listener.tls: "This field is required if the Protocol field is HTTPS or TLS."
    if ((protocol === 'HTTPS' || protocol === 'TLS') && !tls) reasons.push(`${at}.tls: Required value: tls is required for protocol ${protocol}`);
    if (protocol === 'HTTPS' && tls && mode !== 'Terminate') reasons.push(`${at}: tls mode must be Terminate for protocol HTTPS`);
    if (tls && mode === 'Terminate') {
      const refs = Array.isArray(tls.certificateRefs) ? tls.certificateRefs.length : 0;
      const options = Object.keys(obj(tls.options) ?? {}).length;
      if (refs === 0 && options === 0) reasons.push(`${at}.tls: certificateRefs or options must be specified when mode is Terminate`);
    }
    const hostname = str(l.hostname);
    if ((protocol === 'TCP' || protocol === 'UDP') && hostname) reasons.push(`${at}: hostname must not be specified for protocols ['TCP', 'UDP']`);
    // Listener.hostname: "IPs are not allowed."
    if (hostname && isIP(hostname) !== 0) reasons.push(`${at}.hostname: Invalid value "${hostname}": IPs are not allowed`);
    if (names.has(l.name)) duplicateName = true;
    names.add(l.name);
    const combo = JSON.stringify([l.port, protocol, hostname ?? null]);
    if (combos.has(combo)) duplicateCombo = true;
    combos.add(combo);
  });
  if (duplicateName) reasons.push('spec.listeners: Listener name must be unique within the Gateway');
  if (duplicateCombo) reasons.push('spec.listeners: Combination of port, protocol and hostname must be unique for each listener');
}
