// The programs a benchmark run needs, found on PATH (and in the sbin folders, where Debian puts nginx and
// haproxy), and installed with apt-get when missing and we are root.

import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Tool name → the Debian package that ships it (checked with apt-cache on Debian 12). */
export const DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
  nginx: 'nginx',
  haproxy: 'haproxy',
  wrk: 'wrk',
  h2load: 'nghttp2-client',
};

export type ToolPaths = Record<string, string | null>;

export function findTool(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return null;
}

/**
 * Finds every tool in `names`; when some are missing and we may install (root, apt-get present), installs
 * their packages once and looks again. Tools still missing map to null; the caller decides what that means.
 */
export function ensureTools(names: readonly string[], log: (line: string) => void): ToolPaths {
  const found: ToolPaths = {};
  for (const name of names) found[name] = findTool(name);
  const missing = names.filter((n) => found[n] === null && DEBIAN_PACKAGES[n]);
  if (missing.length === 0) return found;
  const apt = findTool('apt-get');
  if (!apt || process.getuid?.() !== 0) {
    log(`missing: ${missing.join(', ')} (install: apt-get install -y ${missing.map((n) => DEBIAN_PACKAGES[n]).join(' ')})`);
    return found;
  }
  const packages = [...new Set(missing.map((n) => DEBIAN_PACKAGES[n]))];
  log(`installing ${packages.join(' ')} with apt-get ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync(apt, ['update', '-qq'], { env, encoding: 'utf8' });
  if (update.status !== 0) log(`apt-get update failed: ${(update.stderr ?? '').trim().split('\n').pop()}`);
  const install = spawnSync(apt, ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, encoding: 'utf8' });
  if (install.status !== 0) log(`apt-get install failed: ${(install.stderr ?? '').trim().split('\n').pop()}`);
  for (const name of missing) found[name] = findTool(name);
  return found;
}

/** First line of `TOOL -v`-style output, for the machine description. */
export function toolVersion(toolPath: string, args: readonly string[]): string {
  const r = spawnSync(toolPath, args, { encoding: 'utf8' });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  return text.split('\n')[0] ?? '';
}
