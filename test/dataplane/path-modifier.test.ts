// ReplacePrefixMatch and ReplaceFullPath against the table in the spec's HTTPPathModifier doc.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compilePathModifier, modifyPath } from '../../src/dataplane/http/filters/path.ts';
import { trimTrailingSlash } from '../../src/dataplane/http/match.ts';

// [request path, prefix match, replace prefix, modified path]
const TABLE: [string, string, string, string][] = [
  ['/foo/bar', '/foo', '/xyz', '/xyz/bar'],
  ['/foo/bar', '/foo', '/xyz/', '/xyz/bar'],
  ['/foo/bar', '/foo/', '/xyz', '/xyz/bar'],
  ['/foo/bar', '/foo/', '/xyz/', '/xyz/bar'],
  ['/foo', '/foo', '/xyz', '/xyz'],
  ['/foo/', '/foo', '/xyz', '/xyz/'],
  ['/foo/bar', '/foo', '', '/bar'],
  ['/foo/', '/foo', '', '/'],
  ['/foo', '/foo', '', '/'],
  ['/foo/', '/foo', '/', '/'],
  ['/foo', '/foo', '/', '/'],
  // The conformance case HTTPRouteRewritePath.
  ['/prefix/one/two', '/prefix/one', '/one', '/one/two'],
  ['/strip-prefix/three', '/strip-prefix', '/', '/three'],
  ['/strip-prefix', '/strip-prefix', '/', '/'],
  ['/anything', '/', '/new', '/new/anything'],
];

it('ReplacePrefixMatch follows the spec table', () => {
  for (const [path, prefix, replacement, expected] of TABLE) {
    const m = compilePathModifier({ type: 'ReplacePrefixMatch', value: replacement }, trimTrailingSlash(prefix));
    assert.equal(modifyPath(m!, path), expected, `${path} | ${prefix} | ${replacement}`);
  }
});

it('ReplaceFullPath replaces the whole path', () => {
  const m = compilePathModifier({ type: 'ReplaceFullPath', value: '/one' }, '/full/one');
  assert.equal(modifyPath(m!, '/full/one/two'), '/one');
});
