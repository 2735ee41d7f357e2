// A Gateway whose address:port is taken by another process is reported not Programmed; onramp keeps running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { baseManifests, eventually, routeManifest, startOnramp, tempDir, writeAtomically } from './harness.ts';

const POOL = '127.0.44.0/24';
const GATEWAY = '127.0.44.1';
const PORT = 8080;

test('a listener that cannot bind its socket makes the Gateway not Programmed, and the process stays up', async (t) => {
  const squatter = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => squatter.listen(PORT, GATEWAY, resolve));
  t.after(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
  const tmp = await tempDir();
  t.after(() => tmp.remove());
  await writeAtomically(path.join(tmp.dir, 'base.yaml'), baseManifests({ port: PORT, backends: [{ name: 'b', host: '127.1.44.1', port: 9 }] }));
  await writeAtomically(path.join(tmp.dir, 'route.yaml'), routeManifest({ host: 'www.example.com', prefix: '/', backend: 'b' }));

  const onramp = await startOnramp(tmp.dir, POOL);
  t.after(() => onramp.stop());

  type Cond = { type: string; status: string; reason: string; message: string };
  let programmed: Cond | undefined;
  await eventually(async () => {
    const { body } = await onramp.admin('/api/v1/status');
    const gw = (body as { items: { kind: string; status: { conditions?: Cond[] } }[] }).items.find((i) => i.kind === 'Gateway');
    programmed = gw?.status.conditions?.find((c) => c.type === 'Programmed');
    return programmed !== undefined;
  }, 'the Gateway status');
  assert.equal(programmed?.status, 'False');
  assert.equal(programmed?.reason, 'Pending');
  assert.match(programmed?.message ?? '', new RegExp(`${GATEWAY}:${PORT}`));
  assert.ok(onramp.logs.some((l) => l.msg === 'cannot listen' && l.port === `${GATEWAY}:${PORT}`));
  assert.equal((await onramp.admin('/healthz')).status, 200);
});
