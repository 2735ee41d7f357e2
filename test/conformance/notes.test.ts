import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpExtras, noteAction } from './notes.ts';

test('a CORS note adds ValidHeaderValues and IgnoreWhitespace to the http step before it', () => {
  const text =
    "http step above (CORS preflight request from an exact matching origin should be allowed): when the status is 200 or 204, the official test also requires (ValidHeaderValues, which the format cannot express): response header access-control-allow-methods present with a value equal to one of 'GET, OPTIONS' | 'OPTIONS, GET'; response header access-control-allow-origin present with a value equal to one of 'https://foobar.com' | '*'. All response-header comparisons of this step ignore spaces (official IgnoreWhitespace: true: spaces are removed).";
  assert.deepEqual(httpExtras(text), {
    validHeaderValues: { 'access-control-allow-methods': ['GET, OPTIONS', 'OPTIONS, GET'], 'access-control-allow-origin': ['https://foobar.com', '*'] },
    ignoreWhitespace: true,
  });
  assert.notEqual(noteAction(text), null);
  assert.equal(httpExtras('something else'), null);
});

test('notes the runner cannot carry out are recognised as such', () => {
  assert.equal(noteAction('Infrastructure metadata propagation (not expressible as a status or traffic step)'), null);
  assert.notEqual(noteAction('kubernetes.NamespacesMustBeReady([gateway-conformance-infra]) also requires every Pod'), null);
  assert.notEqual(
    noteAction('The official test also reads Gateway gateway-conformance-infra/gw before and after the merge patch above and requires metadata.generation to have changed (x).'),
    null,
  );
});
