// Wires `onramp run`: file source → reconciler (translate + dataplane.apply) → admin API, plus the optional
// in-process echo backend of the quickstart. Closing stops them in the reverse order.
import { createDataPlane } from '../dataplane/index.ts';
import type { EchoServer } from '../echo/server.ts';
import { startEchoServer } from '../echo/server.ts';
import type { Logger } from '../log.ts';
import type { AdminServer } from '../admin/server.ts';
import { startAdminServer } from '../admin/server.ts';
import { FileSource } from '../sources/file.ts';
import { addressPool, assignAddresses } from '../translate/addresses.ts';
import { translate } from '../translate/index.ts';
import { hostAddresses } from './host.ts';
import { Reconciler } from './reconciler.ts';

export interface GatewayOptions {
  paths: string[];
  controllerName: string;
  adminAddress: string;
  adminPort: number;
  addressPool: string;
  /** Start an echo backend on 127.0.0.1 at this port, or null. */
  echoPort: number | null;
  logger: Logger;
}

export interface RunningGateway {
  admin: AdminServer;
  echo: EchoServer | null;
  reconciler: Reconciler;
  close(): Promise<void>;
}

/** Starts everything; throws (after closing what was started) when the admin or echo port cannot be bound. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { logger } = options;
  const pool = addressPool(options.addressPool);
  const localAddresses = hostAddresses();
  const dataPlane = createDataPlane({ logger: logger.child({ component: 'dataplane' }) });
  const reconciler = new Reconciler({
    translate: (snapshot, o) => translate(snapshot, { ...o, localAddresses }),
    assignAddresses,
    dataPlane,
    controllerName: options.controllerName,
    pool,
    logger: logger.child({ component: 'controller' }),
  });
  const source = new FileSource(options.paths, { logger: logger.child({ component: 'source' }) });
  let echo: EchoServer | null = null;
  let admin: AdminServer | null = null;

  const close = async (): Promise<void> => {
    // Stop taking changes first, then let the apply in flight finish, then stop serving.
    await source.close().catch((err: unknown) => logger.error({ err }, 'closing the source failed'));
    await reconciler.idle();
    await admin?.close();
    await dataPlane.close().catch((err: unknown) => logger.error({ err }, 'closing the data plane failed'));
    await echo?.close();
  };

  try {
    if (options.echoPort !== null) {
      echo = await startEchoServer({ host: '127.0.0.1', port: options.echoPort, namespace: 'default', pod: 'echo', service: 'echo' });
      logger.info({ address: echo.host, port: echo.port }, 'echo backend listening');
    }
    admin = await startAdminServer({
      host: options.adminAddress,
      port: options.adminPort,
      state: reconciler,
      logger: logger.child({ component: 'admin' }),
    });
    await source.start((snapshot) => reconciler.submit(snapshot));
  } catch (err) {
    await close();
    throw err;
  }
  return { admin, echo, reconciler, close };
}
