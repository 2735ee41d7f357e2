import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundTripMismatch, splitLocation } from './http.ts';
import type { HttpStep } from './http.ts';
import { distributionMismatch, backendOf } from './weights.ts';

const echo = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ path: '/v2', host: 'example.com', method: 'GET', proto: 'HTTP/1.1', headers: { 'X-Header-Add': ['a'] }, httpPort: '3000', namespace: 'infra', ingress: '', service: '', pod: 'infra-backend-v2-abc-xyz', ...over });
const res = (status: number, body = '', headers: Record<string, string> = {}) => ({ status, body, headers, protocol: 'HTTP/1.1' });
const gw = { name: 'gw', namespace: 'infra' };
const sent = { path: '/v2', scheme: 'http', host: 'example.com' };

test('echo answers: backend, namespace, path, host and headers as CompareRoundTrip checks them', () => {
  const step: HttpStep = { gateway: gw, request: { host: 'example.com', path: '/v2' }, backend: 'infra-backend-v2', namespace: 'infra' };
  assert.equal(roundTripMismatch(step, res(200, echo()), sent), null);
  assert.match(roundTripMismatch({ ...step, backend: 'infra-backend-v1' }, res(200, echo()), sent) ?? '', /answered by infra-backend-v2/);
  assert.match(roundTripMismatch(step, res(404), sent) ?? '', /want status 200, got 404/);
  assert.match(roundTripMismatch(step, res(200, echo({ path: '/v3' })), sent) ?? '', /backend saw path \/v3/);
  const headers: HttpStep = { ...step, expectedRequest: { headers: { 'x-header-add': 'a' }, absentHeaders: ['X-Gone'] } };
  assert.equal(roundTripMismatch(headers, res(200, echo()), sent), null);
  assert.match(roundTripMismatch(headers, res(200, echo({ headers: { 'X-Gone': ['1'], 'X-Header-Add': ['a'] } })), sent) ?? '', /X-Gone/);
  assert.equal(roundTripMismatch({ ...step, response: { statusCodes: [504, 408] } }, res(408), sent), null);
});

test('redirects: Location parts, default ports, nothing followed', () => {
  const step: HttpStep = { gateway: gw, request: { path: '/x' }, response: { statusCodes: [302] }, redirect: { host: 'example.org' } };
  const at = { path: '/x', scheme: 'http', host: '' };
  assert.equal(roundTripMismatch(step, res(302, '', { location: 'http://example.org/x' }), at), null);
  assert.equal(roundTripMismatch(step, res(302, '', { location: 'http://example.org:80/x' }), at), null);
  assert.match(roundTripMismatch(step, res(302, '', { location: 'http://example.org:8080/x' }), at) ?? '', /port 8080/);
  assert.match(roundTripMismatch({ ...step, redirect: { port: '8443', scheme: 'https' } }, res(302, '', { location: 'https://example.org/x' }), at) ?? '', /port \(none\), want 8443/);
  assert.deepEqual(splitLocation('https://[::1]:8443/a?b'), { scheme: 'https', host: '[::1]', port: '8443', path: '/a' });
});

test('weighted distributions', () => {
  assert.equal(backendOf('infra-backend-v1-abc-xyz', ['infra-backend-v1', 'infra-backend-v2']), 'infra-backend-v1');
  assert.equal(backendOf('web-backend-abc', ['infra-backend-v1']), null);
  const expected = { a: 0.7, b: 0.3, c: 0 };
  assert.equal(distributionMismatch({ a: 352, b: 148 }, expected, 500, 0.05), null);
  assert.match(distributionMismatch({ a: 250, b: 250 }, expected, 500, 0.05) ?? '', /a got 50.0%/);
  assert.match(distributionMismatch({ a: 350, b: 149, c: 1 }, expected, 500, 0.05) ?? '', /c should get no request/);
});

test('TLS hostname verification follows Go: a wildcard covers one whole label, even over two-label names', async () => {
  const { goMatchesHostname } = await import('./client.ts');
  assert.equal(goMatchesHostname('*.org', 'example.org'), true);
  assert.equal(goMatchesHostname('*.wildcard.org', 'a.wildcard.org'), true);
  assert.equal(goMatchesHostname('*.org', 'a.b.org'), false);
  assert.equal(goMatchesHostname('*', 'example'), false);
  assert.equal(goMatchesHostname('Example.com', 'example.COM.'), true);
});
