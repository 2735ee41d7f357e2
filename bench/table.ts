// Markdown tables: readable in a terminal and pasteable into docs/benchmarks.md as they are.

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

export function fmtMs(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return n < 10 ? `${n.toFixed(2)} ms` : `${n.toFixed(0)} ms`;
}

export function fmtRatio(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}×` : '–';
}

export function fmtMB(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : '–';
}

/** A multi-line error as one table cell: its first line and, when different, its last (the cause). */
export function oneLine(text: string, max = 160): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = lines[0] ?? '';
  const last = lines.length > 1 ? lines[lines.length - 1] : '';
  const line = last && last !== first ? `${first} ${last}` : first;
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}
