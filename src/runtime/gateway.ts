// Wires `onramp run`: file source → reconciler (translate + dataplane.apply) → admin API, plus the optional
// in-process echo backend of the quickstart. Closing stops them in the reverse order. With more than one
// worker, the data plane is a pool of worker processes and everything else stays in this process.
import { createDataPlane } from '../dataplane/index.ts';
import type { DataPlane } from '../dataplane/types.ts';
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
import { WorkerPool } from './worker-pool.ts';

export interface GatewayOptions {
  paths: string[];
  controllerName: string;
  adminAddress: string;
  adminPort: number;
  addressPool: string;
  /** Start an echo backend on 127.0.0.1 at this port, or null. */
  echoPort: number | null;
  /** Worker processes serving traffic; 1 serves in this process (no workers). */
  workers: number;
  /** The log level workers use (they log on the same stderr). */
  logLevel: string;
  logger: Logger;
}

export interface RunningGateway {
  admin: AdminServer;
  echo: EchoServer | null;
  reconciler: Reconciler;
  /** The worker processes, or null when this process serves the traffic itself. */
  pool: WorkerPool | null;
  close(): Promise<void>;
}

/** Starts everything; throws (after closing what was started) when the admin or echo port cannot be bound. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { logger } = options;
  const addresses = addressPool(options.addressPool);
  const localAddresses = hostAddresses();
  // Workers first: a worker that cannot start fails the command before any port or file is touched.
  const pool =
    options.workers > 1
      ? await WorkerPool.start({ workers: options.workers, logLevel: options.logLevel, logger: logger.child({ component: 'workers' }) })
      : null;
  const dataPlane: DataPlane = pool ?? createDataPlane({ logger: logger.child({ component: 'dataplane' }) });
  const reconciler = new Reconciler({
    translate: (snapshot, o) => translate(snapshot, { ...o, localAddresses }),
    assignAddresses,
    dataPlane,
    controllerName: options.controllerName,
    pool: addresses,
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
  return { admin, echo, reconciler, pool, close };
}
