import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareHostnameSpecificity, hostnameMatches, intersectHostnames } from '../../src/translate/hostnames.ts';

test('a wildcard matches one or more labels but not the bare suffix', () => {
  assert.equal(hostnameMatches('*.example.com', 'a.example.com'), true);
  assert.equal(hostnameMatches('*.example.com', 'a.b.example.com'), true);
  assert.equal(hostnameMatches('*.example.com', 'example.com'), false);
  assert.equal(hostnameMatches('*.example.com', 'badexample.com'), false);
  assert.equal(hostnameMatches('*.example.com', '*.foo.example.com'), true);
  assert.equal(hostnameMatches('*.foo.example.com', '*.example.com'), false);
  assert.equal(hostnameMatches('a.example.com', 'a.example.com'), true);
  assert.equal(hostnameMatches('a.example.com', 'b.example.com'), false);
});

test('intersection follows the HTTPRoute hostnames rules', () => {
  // Neither side names a host: any host.
  assert.deepEqual(intersectHostnames(null, []), ['*']);
  // Only the listener names one: the listener's.
  assert.deepEqual(intersectHostnames('*.example.com', []), ['*.example.com']);
  // Only the route names them: the route's.
  assert.deepEqual(intersectHostnames(null, ['a.com', '*.b.com']), ['a.com', '*.b.com']);
  // Spec example: listener *.example.com, route test.example.com and test.example.net.
  assert.deepEqual(intersectHostnames('*.example.com', ['test.example.com', 'test.example.net']), ['test.example.com']);
  // A route wildcard wider than the listener narrows to the listener.
  assert.deepEqual(intersectHostnames('test.example.com', ['*.example.com']), ['test.example.com']);
  assert.deepEqual(intersectHostnames('*.foo.example.com', ['*.example.com']), ['*.foo.example.com']);
  // A narrower route wildcard stays as written.
  assert.deepEqual(intersectHostnames('*.example.com', ['*.foo.example.com']), ['*.foo.example.com']);
  // No intersection.
  assert.deepEqual(intersectHostnames('test.example.com', ['example.com', '*.example.net']), []);
  // Duplicates collapse.
  assert.deepEqual(intersectHostnames('a.example.com', ['a.example.com', '*.example.com']), ['a.example.com']);
});

test('specificity orders exact, then wildcards by labels, then the catch-all', () => {
  const sorted = ['*', '*.example.com', 'b.example.com', '*.foo.example.com', 'a.example.com', '*.a.io'].sort(
    compareHostnameSpecificity,
  );
  assert.deepEqual(sorted, ['a.example.com', 'b.example.com', '*.foo.example.com', '*.example.com', '*.a.io', '*']);
  assert.ok(compareHostnameSpecificity(null, '*.example.com') > 0);
});
