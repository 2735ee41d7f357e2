// `onramp check` on the Gateway API specification's own examples: every example folder and file is read
// without crashing, printed as a List of the objects it defines, and the exit code agrees with what is printed.
import { test } from 'node:test';
import { GATEWAY_API_DIR, REPO_ROOT } from '../spec-data.ts';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { runCheck } from '../../src/cli/check.ts';
import { loadSnapshot } from '../../src/sources/file.ts';

const SPEC = GATEWAY_API_DIR;
const EXAMPLES = path.join(SPEC, 'examples/standard');
// The examples' GatewayClasses name this controller; checking as it makes their Gateways ours.
const CONTROLLER = 'acme.io/gateway-controller';

const entries = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((e) => e.isDirectory() || /\.ya?ml$/.test(e.name))
  .map((e) => e.name)
  .sort();

test('check reads every standard example and its exit code matches its report', async (t) => {
  assert.ok(entries.length > 10, `examples found in ${EXAMPLES}`);
  for (const name of entries) {
    await t.test(name, async () => {
      const target = path.join(EXAMPLES, name);
      let stdout = '';
      let stderr = '';
      const code = await runCheck(
        { paths: [target], output: 'yaml', controllerName: CONTROLLER, addressPool: '127.0.1.0/24' },
        { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) },
      );
      const list = parse(stdout) as { kind: string; items: { kind: string; metadata: { name: string; namespace?: string } }[] };
      assert.equal(list.kind, 'List');
      const snapshot = await loadSnapshot([target]);
      const expected = [...snapshot.gatewayClasses, ...snapshot.gateways, ...snapshot.httpRoutes].map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
      assert.deepEqual(list.items.map((i) => `${i.kind}/${i.metadata.namespace ?? ''}/${i.metadata.name}`), expected);
      // Every line on stderr is a rejection or a status problem, and any of them means exit 1.
      assert.equal(code, stderr === '' ? 0 : 1, stderr);
      if (snapshot.rejected.length > 0) {
        for (const r of snapshot.rejected) assert.ok(stderr.includes(`${r.where}: ${r.reason}`));
      }
    });
  }
});

test('check on the whole standard examples folder as a command', async () => {
  const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'bin/onramp.js'), 'check', '-f', EXAMPLES, '--controller-name', CONTROLLER, '-o', 'json'], { maxBuffer: 64 << 20 }, (err, stdout) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout });
    });
  });
  assert.ok(result.code === 0 || result.code === 1, `exit ${result.code}`);
  const list = JSON.parse(result.stdout) as { kind: string; items: { kind: string }[] };
  assert.equal(list.kind, 'List');
  assert.ok(list.items.some((i) => i.kind === 'HTTPRoute'));
});
