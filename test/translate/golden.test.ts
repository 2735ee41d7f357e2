// Golden scenarios: golden/NAME.in.yaml (manifests) → golden/NAME.out.yaml (statuses and config).
// UPDATE_GOLDEN=1 node --test test/translate/ rewrites the outputs; review them as diffs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { translate } from '../../src/translate/index.ts';
import { deepFreeze, loadScenario, renderResult } from './load.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

for (const file of readdirSync(dir).filter((f) => f.endsWith('.in.yaml')).sort()) {
  const name = file.slice(0, -'.in.yaml'.length);
  test(name, () => {
    const scenario = loadScenario(readFileSync(path.join(dir, file), 'utf8'));
    deepFreeze(scenario);
    const result = translate(scenario.snapshot, scenario.options);
    // Deterministic and plain data: a second run gives the same, and JSON round-trips it unchanged.
    assert.deepEqual(translate(scenario.snapshot, scenario.options), result);
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
    const rendered = renderResult(result);
    const outPath = path.join(dir, `${name}.out.yaml`);
    if (update || !existsSync(outPath)) {
      writeFileSync(outPath, rendered);
      if (!update) assert.fail(`${name}.out.yaml was missing and has been written; review it`);
      return;
    }
    assert.equal(rendered, readFileSync(outPath, 'utf8'));
  });
}
