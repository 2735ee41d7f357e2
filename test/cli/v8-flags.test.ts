// `onramp run` serves with its V8 flags: bin/onramp.js replaces its process (same PID) with one whose command
// line carries them, unless they are given already or relaunching is turned off. Other commands start as is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { relaunchArgv, V8_FLAGS } from '../../src/cli/v8-flags.ts';
import { startOnramp, tempDir, writeAtomically, baseManifests, routeManifest } from '../e2e/harness.ts';

const NODE = '/usr/bin/node';
const SCRIPT = '/opt/onramp/bin/onramp.js';

test('run gets the flags in front of the script and keeps the user node flags and arguments', () => {
  const argv = relaunchArgv(NODE, ['--cpu-prof'], [NODE, SCRIPT, 'run', '-f', 'x.yaml'], {});
  assert.deepEqual(argv, [NODE, ...V8_FLAGS, '--cpu-prof', SCRIPT, 'run', '-f', 'x.yaml']);
});

test('nothing to do when the flags are there, for other commands, or when turned off', () => {
  assert.equal(relaunchArgv(NODE, [...V8_FLAGS], [NODE, SCRIPT, 'run'], {}), null);
  assert.equal(relaunchArgv(NODE, [], [NODE, SCRIPT, 'check', '-f', 'x.yaml'], {}), null);
  assert.equal(relaunchArgv(NODE, [], [NODE, SCRIPT, 'run'], { ONRAMP_V8_FLAGS: '0' }), null);
});

test("a user's own value for a flag wins, spelled with - or _", () => {
  const argv = relaunchArgv(NODE, ['--max_semi_space_size=64'], [NODE, SCRIPT, 'run'], {});
  assert.deepEqual(argv, [NODE, '--single-threaded-gc', '--max_semi_space_size=64', SCRIPT, 'run']);
});

test('onramp run, started plainly, serves from a process that carries the flags', { skip: !existsSync('/proc/self/cmdline') }, async (t) => {
  const tmp = await tempDir();
  t.after(() => tmp.remove());
  await writeAtomically(path.join(tmp.dir, 'base.yaml'), baseManifests({ port: 8080, backends: [{ name: 'b', host: '127.1.49.1', port: 9 }] }));
  await writeAtomically(path.join(tmp.dir, 'route.yaml'), routeManifest({ host: 'www.example.com', prefix: '/', backend: 'b' }));
  // Its own loopback range (127.0.49.x); one process, so the PID that answers is the one started.
  const onramp = await startOnramp(tmp.dir, '127.0.49.0/24', ['--workers', '1']);
  t.after(() => onramp.stop());
  const cmdline = readFileSync(`/proc/${onramp.child.pid}/cmdline`, 'utf8').split('\0');
  for (const flag of V8_FLAGS) assert.ok(cmdline.includes(flag), `${flag} in ${cmdline.join(' ')}`);
  assert.equal((await onramp.admin('/healthz')).status, 200);
});
