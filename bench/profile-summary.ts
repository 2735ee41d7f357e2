// Summarises V8 CPU profiles (`node --cpu-prof`, as `bench/run.ts --cpu-prof` makes for onramp): the
// functions with the most self time, summed over every profile given.
//   node bench/profile-summary.ts DIR_OR_FILE... [--top N]

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './targets.ts';
import { table } from './table.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
}

async function profileFiles(args: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const a of args) {
    if ((await stat(a)).isDirectory()) {
      for (const f of await readdir(a)) if (f.endsWith('.cpuprofile')) files.push(path.join(a, f));
    } else files.push(a);
  }
  return files;
}

function where(url: string, line: number): string {
  if (!url) return '(native)';
  const file = url.startsWith('file://') ? path.relative(REPO_ROOT, new URL(url).pathname) : url;
  return `${file}:${line + 1}`;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
if (positionals.length === 0) {
  process.stderr.write('usage: node bench/profile-summary.ts DIR_OR_FILE... [--top N]\n');
  process.exit(2);
}
const selfHits = new Map<string, number>();
let total = 0;
for (const file of await profileFiles(positionals)) {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    // Idle samples say nothing about where the time goes; shares are of the busy samples.
    if (hits === 0 || node.callFrame.functionName === '(idle)') continue;
    const key = `${node.callFrame.functionName || '(anonymous)'}\t${where(node.callFrame.url, node.callFrame.lineNumber)}`;
    selfHits.set(key, (selfHits.get(key) ?? 0) + hits);
    total += hits;
  }
}
const rows = [...selfHits.entries()]
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(values.top))
  .map(([key, hits]) => {
    const [fn, loc] = key.split('\t');
    return [`${((hits / total) * 100).toFixed(1)}%`, fn, loc];
  });
process.stdout.write(`${table(['self (of busy)', 'function', 'where'], rows)}\n`);
