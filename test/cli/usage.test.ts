import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/onramp.js');

function onramp(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('--help and --version print to stdout and exit 0', async () => {
  const help = await onramp('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /onramp run/);
  assert.match(help.stdout, /onramp check/);
  const runHelp = await onramp('run', '--help');
  assert.equal(runHelp.code, 0);
  assert.match(runHelp.stdout, /--admin-port/);
  const version = await onramp('--version');
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^onramp \d+\.\d+\.\d+/);
});

test('usage errors say what is wrong and exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['--frob'], /unknown option "--frob"/],
    [['run'], /-f PATH/],
    [['check'], /-f PATH/],
    [['check', '-f', 'x.yaml', '-o', 'xml'], /-o must be yaml or json/],
    [['run', '-f', 'x.yaml', '--admin-port', 'nine'], /--admin-port must be a port number/],
    [['run', '-f', 'x.yaml', '--admin-port', '70000'], /--admin-port must be a port number/],
    [['run', '-f', 'x.yaml', '--log-level', 'loud'], /--log-level must be one of/],
    [['run', '-f', 'x.yaml', '--no-such-flag'], /Unknown option '--no-such-flag'/],
    [['echo', '--port', '-1'], /--port/],
  ];
  const results = await Promise.all(cases.map(([args]) => onramp(...args)));
  for (const [i, [args, message]] of cases.entries()) {
    const r = results[i];
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.match(r.stderr, /--help/);
    assert.equal(r.stdout, '');
  }
});
