// Gateway addresses. Each Gateway gets its own address (DESIGN.md): its spec.addresses when it names usable
// IP addresses, otherwise one from a pool, assigned sticky so that a Gateway keeps its address across
// snapshots while it exists. All functions here are pure.
import { isIP } from 'node:net';
import type { Gateway } from '../api/types.ts';
import { problem, Reason, type Problem } from './conditions.ts';
import { list } from './input.ts';

const IP_ADDRESS = 'IPAddress';

function gatewayKey(g: Gateway): string {
  return `${g.metadata.namespace ?? 'default'}/${g.metadata.name}`;
}

/** Spec addresses of type IPAddress that carry a value: the Gateway asks for these and takes no pool address. */
function requestedIPs(g: Gateway): string[] {
  return list(g.spec?.addresses)
    .filter((a) => (a.type ?? IP_ADDRESS) === IP_ADDRESS && typeof a.value === 'string' && a.value !== '')
    .map((a) => a.value);
}

/**
 * Pool addresses by Gateway key (`namespace/name`). A Gateway keeps the address it had in `previous` while
 * it exists (and the address is still in the pool); Gateways with IPAddress spec.addresses take none; the
 * others take the first free pool address in key order. Gateways left without one are absent from the result.
 */
export function assignAddresses(
  gateways: readonly Gateway[],
  previous: Readonly<Record<string, string>>,
  pool: readonly string[],
): Record<string, string> {
  const inPool = new Set(pool);
  const wanting = gateways
    .filter((g) => requestedIPs(g).length === 0)
    .map(gatewayKey)
    .sort();
  const result: Record<string, string> = {};
  const taken = new Set<string>();
  for (const key of wanting) {
    const prev = previous[key];
    if (prev !== undefined && inPool.has(prev) && !taken.has(prev)) {
      result[key] = prev;
      taken.add(prev);
    }
  }
  let next = 0;
  for (const key of wanting) {
    if (result[key] !== undefined) continue;
    while (next < pool.length && taken.has(pool[next])) next++;
    if (next >= pool.length) break;
    result[key] = pool[next];
    taken.add(pool[next]);
  }
  return result;
}

const MAX_POOL = 65536;

/**
 * Parses an address pool: an IPv4 CIDR (`127.0.1.0/24` gives hosts .1 to .254; /31 and /32 give every
 * address) or a comma list of addresses and CIDRs. Throws an Error naming the bad entry.
 */
export function addressPool(spec: string): string[] {
  const out: string[] = [];
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (!entry.includes('/')) {
      if (isIP(entry) === 0) throw new Error(`address pool: "${entry}" is not an IP address`);
      out.push(entry);
      continue;
    }
    const [base, bitsText] = entry.split('/');
    const bits = Number(bitsText);
    if (isIP(base) !== 4 || !/^\d+$/.test(bitsText) || bits < 0 || bits > 32) {
      throw new Error(`address pool: "${entry}" is not an IPv4 CIDR`);
    }
    const size = 2 ** (32 - bits);
    if (size > MAX_POOL * 4) throw new Error(`address pool: "${entry}" is too large`);
    const network = (ipv4ToInt(base) & (bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0)) >>> 0;
    const first = size > 2 ? network + 1 : network;
    const last = size > 2 ? network + size - 2 : network + size - 1;
    for (let n = first; n <= last && out.length < MAX_POOL; n++) out.push(intToIpv4(n));
  }
  return [...new Set(out)];
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) >>> 0) + Number(part), 0) >>> 0;
}

function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * Addresses onramp can bind by default: loopback and the unspecified address. A deployment that binds other
 * interface addresses lists them in TranslateOptions.localAddresses.
 */
export function isUsableAddress(ip: string, localAddresses: readonly string[]): boolean {
  if (localAddresses.includes(ip)) return true;
  if (ip === '0.0.0.0' || ip === '::' || ip === '::1') return true;
  return isIP(ip) === 4 && ip.startsWith('127.');
}

export interface GatewayAddresses {
  /** Addresses to bind every listener to, reported in status.addresses. */
  addresses: string[];
  /** Accepted False: spec.addresses holds a type onramp does not support. */
  unsupported: Problem | null;
  /** Programmed False: a requested address cannot be used, or none could be assigned. */
  notProgrammed: Problem | null;
}

/**
 * Which addresses a Gateway binds. Spec (GatewaySpecAddress): unsupported types → Accepted False
 * UnsupportedAddress; a requested address that cannot be used → Programmed False AddressNotUsable; an
 * IPAddress entry without value asks for an assigned address, and none available → AddressNotAssigned.
 */
export function resolveGatewayAddresses(
  g: Gateway,
  assigned: string | undefined,
  localAddresses: readonly string[],
): GatewayAddresses {
  const specAddresses = list(g.spec?.addresses);
  const unsupportedTypes = specAddresses.filter((a) => (a.type ?? IP_ADDRESS) !== IP_ADDRESS).map((a) => a.type);
  const unsupported =
    unsupportedTypes.length > 0
      ? problem(Reason.UnsupportedAddress, `address type ${[...new Set(unsupportedTypes)].join(', ')} is not supported; only IPAddress`)
      : null;
  const requested = requestedIPs(g);
  const unusable = requested.filter((ip) => isIP(ip) === 0 || !isUsableAddress(ip, localAddresses));
  if (unusable.length > 0) {
    return {
      addresses: [],
      unsupported,
      notProgrammed: problem(Reason.AddressNotUsable, `address ${unusable.join(', ')} cannot be bound by onramp`),
    };
  }
  const wantsAssigned = requested.length === 0;
  const addresses = wantsAssigned ? (assigned !== undefined ? [assigned] : []) : [...new Set(requested)];
  const notProgrammed =
    addresses.length === 0 ? problem(Reason.AddressNotAssigned, 'no address is free in the address pool') : null;
  return { addresses, unsupported, notProgrammed };
}
