// The IP addresses of this host, which Gateways may request in spec.addresses (translate is pure and
// cannot look them up itself). Reading interfaces opens no socket, so `onramp check` uses it too.
import { networkInterfaces } from 'node:os';

export function hostAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) out.push(info.address);
  }
  return out;
}
