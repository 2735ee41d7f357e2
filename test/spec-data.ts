// Where the tests find the Gateway API specification's own data (CRDs, conformance cases, examples): beside
// the clone in ../shared/gateway-api, or wherever ONRAMP_GATEWAY_API_DIR says. It is read, never copied.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..');

export const GATEWAY_API_DIR = process.env.ONRAMP_GATEWAY_API_DIR ?? path.resolve(REPO_ROOT, '../shared/gateway-api');

/** Every .yaml/.yml file below `dir`, in a stable order. */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) return yamlFiles(file);
      return /\.ya?ml$/.test(name) ? [file] : [];
    });
}
