// A raw backend (raw-backend.ts) behind a data plane listening on its own address: what the upstream client
// tests set up before each suite. By default one rule sends every request to the backend.
import type { BackendConfig, RouteRuleConfig } from '../../src/config/types.ts';
import { createDataPlane } from '../../src/dataplane/index.ts';
import { backend, forward, rule, simple } from './builder.ts';
import { freePort } from './helpers.ts';
import { startRawBackend } from './raw-backend.ts';
import type { RawAnswer, RawBackend } from './raw-backend.ts';

export interface RawBehindGateway {
  raw: RawBackend;
  /** The gateway's port on `address`. */
  port: number;
  close(): Promise<void>;
}

export async function rawBehindGateway(
  answer: RawAnswer,
  backendAddress: string,
  address: string,
  rules: (raw: BackendConfig) => RouteRuleConfig[] = (b) => [rule(forward(b))],
): Promise<RawBehindGateway> {
  const dp = createDataPlane();
  const raw = await startRawBackend(answer, backendAddress);
  const port = await freePort(address);
  await dp.apply(simple(address, port, rules(backend('raw', [{ address: raw.address, port: raw.port }]))));
  return {
    raw,
    port,
    close: async () => {
      await dp.close();
      await raw.close();
    },
  };
}
