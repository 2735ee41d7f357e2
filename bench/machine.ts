// A description of the machine and the programs a run used, printed above the tables so that numbers are
// never read without it.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { toolVersion, type ToolPaths } from './tools.ts';

export function describeMachine(tools: ToolPaths): string[] {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // Not Linux; os.cpus() is fine.
  }
  const lines = [
    `cpu: ${os.availableParallelism()} × ${cpu}; memory ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; ${os.type()} ${os.release()}`,
    `node ${process.version}`,
    `load average (1, 5, 15 min) at the start: ${loadAverage()}`,
  ];
  const versions: [string, string[]][] = [
    ['nginx', ['-v']],
    ['haproxy', ['-v']],
    ['wrk', ['-v']],
  ];
  for (const [name, args] of versions) {
    const p = tools[name];
    if (p) lines.push(toolVersion(p, args).replace(/ - https?:\S+/, ''));
  }
  return lines;
}

/** Other work on the machine skews every figure; the run prints this at its start and end. */
export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(', ');
}
