// Checks of the core and discovery kinds (Service, EndpointSlice, Secret, ConfigMap, Namespace) on the fields
// onramp reads, with the API server's own validation as the model (k8s.io/kubernetes pkg/apis/core/validation
// and discovery/validation). Fields onramp does not read are not checked.
import { isIPv4, isIPv6 } from 'node:net';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isDNS1123Subdomain(v: string): boolean {
  return v.length <= 253 && DNS1123_SUBDOMAIN.test(v);
}

export function isDNS1123Label(v: string): boolean {
  return v.length <= 63 && DNS1123_LABEL.test(v);
}

const isPort = (v: unknown, min = 1): boolean => Number.isInteger(v) && (v as number) >= min && (v as number) <= 65535;
const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** Checks a map of strings; `secret` keeps the values out of the reasons (they may be key material). */
function stringMap(v: unknown, at: string, reasons: string[], secret = false): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  const m = obj(v);
  if (!m) {
    reasons.push(`${at}: Invalid value: must be a map of strings`);
    return undefined;
  }
  for (const [k, value] of Object.entries(m)) {
    if (typeof value !== 'string') reasons.push(`${at}[${JSON.stringify(k)}]: Invalid value${secret ? '' : ` ${show(value)}`}: must be of type string`);
  }
  return m;
}

export function serviceRules(service: Obj): string[] {
  const reasons: string[] = [];
  const spec = obj(service.spec);
  if (service.spec !== undefined && !spec) return ['spec: Invalid value: must be an object'];
  if (!spec) return reasons;
  const type = spec.type ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(type as string)) {
    reasons.push(`spec.type: Unsupported value ${show(type)}: supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`);
  }
  if (type === 'ExternalName') {
    if (spec.externalName === undefined) reasons.push('spec.externalName: Required value for type ExternalName');
    else if (typeof spec.externalName !== 'string' || !isDNS1123Subdomain(spec.externalName.replace(/\.$/, ''))) {
      reasons.push(`spec.externalName: Invalid value ${show(spec.externalName)}: must be a DNS name for type ExternalName`);
    }
  }
  stringMap(spec.selector, 'spec.selector', reasons);
  if (spec.ports !== undefined && !Array.isArray(spec.ports)) reasons.push('spec.ports: Invalid value: must be a list');
  const names = new Set<string>();
  (Array.isArray(spec.ports) ? spec.ports : []).forEach((raw, i) => {
    const at = `spec.ports[${i}]`;
    const p = obj(raw);
    if (!p) return void reasons.push(`${at}: Invalid value: must be an object`);
    if (p.port === undefined) reasons.push(`${at}.port: Required value`);
    else if (!isPort(p.port)) reasons.push(`${at}.port: Invalid value ${show(p.port)}: must be an integer between 1 and 65535`);
    if (p.name !== undefined) {
      if (typeof p.name !== 'string' || (p.name !== '' && !isDNS1123Label(p.name))) reasons.push(`${at}.name: Invalid value ${show(p.name)}: must be a DNS label`);
      else if (names.has(p.name)) reasons.push(`${at}.name: Duplicate value ${show(p.name)}`);
      else names.add(p.name);
    }
    if (p.targetPort !== undefined) {
      const ok = typeof p.targetPort === 'string' ? p.targetPort.length <= 15 && IANA_SVC_NAME.test(p.targetPort) : isPort(p.targetPort);
      if (!ok) reasons.push(`${at}.targetPort: Invalid value ${show(p.targetPort)}: must be a port number between 1 and 65535 or a port name`);
    }
    if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol as string)) {
      reasons.push(`${at}.protocol: Unsupported value ${show(p.protocol)}: supported values: "SCTP", "TCP", "UDP"`);
    }
    if (p.appProtocol !== undefined && typeof p.appProtocol !== 'string') reasons.push(`${at}.appProtocol: Invalid value ${show(p.appProtocol)}: must be of type string`);
  });
  return reasons;
}

export function endpointSliceRules(slice: Obj): string[] {
  const reasons: string[] = [];
  const addressType = slice.addressType;
  if (addressType === undefined) reasons.push('addressType: Required value');
  else if (!['IPv4', 'IPv6', 'FQDN'].includes(addressType as string)) {
    reasons.push(`addressType: Unsupported value ${show(addressType)}: supported values: "FQDN", "IPv4", "IPv6"`);
  }
  if (slice.endpoints !== undefined && slice.endpoints !== null && !Array.isArray(slice.endpoints)) reasons.push('endpoints: Invalid value: must be a list');
  (Array.isArray(slice.endpoints) ? slice.endpoints : []).forEach((raw, i) => {
    const at = `endpoints[${i}]`;
    const e = obj(raw);
    if (!e) return void reasons.push(`${at}: Invalid value: must be an object`);
    if (!Array.isArray(e.addresses) || e.addresses.length === 0) return void reasons.push(`${at}.addresses: Required value: must contain at least one address`);
    if (e.addresses.length > 100) reasons.push(`${at}.addresses: Too many: must have at most 100 items`);
    e.addresses.forEach((a: unknown, j: number) => {
      const ok =
        typeof a === 'string' &&
        (addressType === 'IPv4' ? isIPv4(a) : addressType === 'IPv6' ? isIPv6(a) : addressType === 'FQDN' ? isDNS1123Subdomain(a) : true);
      if (!ok) reasons.push(`${at}.addresses[${j}]: Invalid value ${show(a)}: must be a valid ${String(addressType)} address`);
    });
    const conditions = obj(e.conditions);
    for (const c of ['ready', 'serving', 'terminating']) {
      const v = conditions?.[c];
      if (v !== undefined && v !== null && typeof v !== 'boolean') reasons.push(`${at}.conditions.${c}: Invalid value ${show(v)}: must be of type boolean`);
    }
  });
  if (slice.ports !== undefined && slice.ports !== null && !Array.isArray(slice.ports)) reasons.push('ports: Invalid value: must be a list');
  (Array.isArray(slice.ports) ? slice.ports : []).forEach((raw, i) => {
    const at = `ports[${i}]`;
    const p = obj(raw);
    if (!p) return void reasons.push(`${at}: Invalid value: must be an object`);
    if (p.port !== undefined && p.port !== null && !isPort(p.port)) reasons.push(`${at}.port: Invalid value ${show(p.port)}: must be an integer between 1 and 65535`);
    if (p.name !== undefined && p.name !== null && typeof p.name !== 'string') reasons.push(`${at}.name: Invalid value ${show(p.name)}: must be of type string`);
    if (p.protocol !== undefined && p.protocol !== null && !['TCP', 'UDP', 'SCTP'].includes(p.protocol as string)) {
      reasons.push(`${at}.protocol: Unsupported value ${show(p.protocol)}: supported values: "SCTP", "TCP", "UDP"`);
    }
  });
  return reasons;
}

export function secretRules(secret: Obj): string[] {
  const reasons: string[] = [];
  if (secret.type !== undefined && typeof secret.type !== 'string') reasons.push(`type: Invalid value ${show(secret.type)}: must be of type string`);
  const data = stringMap(secret.data, 'data', reasons, true);
  for (const [k, v] of Object.entries(data ?? {})) {
    if (!DATA_KEY.test(k)) reasons.push(`data[${JSON.stringify(k)}]: Invalid key: must consist of alphanumeric characters, '-', '_' or '.'`);
    // The value itself is secret material: the reason names the key only.
    if (typeof v === 'string' && !BASE64.test(v.replace(/\s+/g, ''))) reasons.push(`data[${JSON.stringify(k)}]: Invalid value: must be base64 encoded`);
  }
  return reasons;
}

export function configMapRules(configMap: Obj): string[] {
  const reasons: string[] = [];
  const data = stringMap(configMap.data, 'data', reasons);
  for (const k of Object.keys(data ?? {})) {
    if (!DATA_KEY.test(k)) reasons.push(`data[${JSON.stringify(k)}]: Invalid key: must consist of alphanumeric characters, '-', '_' or '.'`);
  }
  const binary = stringMap(configMap.binaryData, 'binaryData', reasons);
  for (const [k, v] of Object.entries(binary ?? {})) {
    if (typeof v === 'string' && !BASE64.test(v.replace(/\s+/g, ''))) reasons.push(`binaryData[${JSON.stringify(k)}]: Invalid value: must be base64 encoded`);
  }
  return reasons;
}
