// `onramp run --workers N`: one worker per core unless told otherwise; nonsense is a usage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { parseCommand, UsageError } from '../../src/cli/args.ts';
import { usage } from '../../src/cli/usage.ts';

function workersOf(argv: string[]): number {
  const cmd = parseCommand(argv);
  assert.equal(cmd.command, 'run');
  return cmd.command === 'run' ? cmd.options.workers : -1;
}

test('--workers defaults to one per core and takes a count', () => {
  assert.equal(workersOf(['run', '-f', 'x.yaml']), availableParallelism());
  assert.equal(workersOf(['run', '-f', 'x.yaml', '--workers', '1']), 1);
  assert.equal(workersOf(['run', '-f', 'x.yaml', '--workers', '4']), 4);
});

test('--workers rejects what is not a count of processes', () => {
  for (const value of ['0', '-1', 'two', '1.5', '', '100000']) {
    assert.throws(() => parseCommand(['run', '-f', 'x.yaml', `--workers=${value}`]), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /--workers must be a number of processes/);
      return true;
    }, value);
  }
});

test('run --help explains --workers and what 1 means', () => {
  const text = usage('run');
  assert.match(text, /--workers N/);
  assert.match(text, /one per core/);
  assert.match(text, /1 serves the traffic in this one process/);
});
