// Every manifest the Gateway API specification ships (examples/standard, the conformance base and test
// manifests) loads without a rejection of the kinds onramp reads, after the substitutions the conformance
// suite makes. Kinds onramp does not read (GRPCRoute, Deployment, ...) are only reported as ignored.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { GATEWAY_API_DIR, yamlFiles } from '../spec-data.ts';
import { parseManifests } from '../../src/api/parse.ts';
import { snapshotFromObjects, SUPPORTED_KINDS } from '../../src/api/snapshot.ts';

const SPEC_DIR = GATEWAY_API_DIR;


/** conformance/suite.yaml manifestSubstitutions, for a GatewayClass named gateway-conformance. */
function substitute(text: string): string {
  return text.replaceAll('{GATEWAY_CLASS_NAME}', 'gateway-conformance').replaceAll('{GATEWAY_CONTROLLER_NAME}', 'onramp.dev/gateway-controller');
}

const groups: [string, string[]][] = [
  ['examples/standard', yamlFiles(join(SPEC_DIR, 'examples/standard'))],
  ['conformance/base', [join(SPEC_DIR, 'conformance/base/manifests.yaml')]],
  ['conformance/tests', yamlFiles(join(SPEC_DIR, 'conformance/tests'))],
];

for (const [group, files] of groups) {
  test(`${group}: every manifest loads without rejections of the kinds onramp reads`, () => {
    assert.ok(files.length > 0, `no manifests found under ${SPEC_DIR}`);
    const read = new Set(SUPPORTED_KINDS);
    let loaded = 0;
    for (const file of files) {
      const { objects, rejected } = parseManifests(substitute(readFileSync(file, 'utf8')), relative(SPEC_DIR, file));
      assert.deepEqual(rejected, [], `${relative(SPEC_DIR, file)} has rejections`);
      const snapshot = snapshotFromObjects(objects);
      for (const r of snapshot.rejected) {
        assert.ok(r.kind !== undefined && !read.has(r.kind), `${r.where}: ${r.reason}`);
        assert.match(r.reason, /is not read by onramp; ignored$/);
      }
      loaded += objects.filter((o) => read.has(o.kind)).length;
    }
    assert.ok(loaded > 0);
  });
}
