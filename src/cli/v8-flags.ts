// The V8 settings `onramp run` serves traffic with. They have to be on the node command line: V8 sizes the
// heap and starts its GC helpers when the process starts, and setting them later from inside has no effect
// (measured). bin/onramp.js therefore replaces its own process (execve: same PID, no wrapper) with one that
// carries them, unless the command line already sets them.
//
// - `--single-threaded-gc`: a proxy's heap is small and short-lived garbage dominates; handing collection
//   work to helper threads costs more in wake-ups than it saves, and those threads compete with the event
//   loop (and, with `--workers N`, with the other workers) for the same cores. Measured: 3–5% more
//   requests/s and less CPU per request on a 2-core machine.
// - `--max-semi-space-size=2` (MB): caps the young generation. Loading 10,000 routes grows it to its
//   default maximum and the process keeps that memory; with 2 MB the peak RSS drops by about 100 MB while
//   throughput is unchanged (measured), since a proxy's per-request garbage dies young either way.

export const V8_FLAGS: readonly string[] = ['--single-threaded-gc', '--max-semi-space-size=2'];

/** The name a V8 flag is set by (`--max-semi-space-size=2` → `--max-semi-space-size`; `_` as `-`). */
function flagName(arg: string): string {
  const eq = arg.indexOf('=');
  return (eq < 0 ? arg : arg.slice(0, eq)).replaceAll('_', '-');
}

/**
 * The argv to start this command again with onramp's V8 flags, or null when there is nothing to add: not
 * `run`, the flags (or the user's own values for them) already given, or relaunching turned off with
 * ONRAMP_V8_FLAGS=0.
 */
export function relaunchArgv(execPath: string, execArgv: readonly string[], argv: readonly string[], env: NodeJS.ProcessEnv): string[] | null {
  if (argv[2] !== 'run' || env.ONRAMP_V8_FLAGS === '0') return null;
  const given = new Set(execArgv.map(flagName));
  const missing = V8_FLAGS.filter((f) => !given.has(flagName(f)));
  if (missing.length === 0) return null;
  return [execPath, ...missing, ...execArgv, ...argv.slice(1)];
}
