// `onramp run`: start the gateway and keep it running until SIGINT or SIGTERM, then shut down gracefully.
import { createLogger } from '../log.ts';
import { startGateway } from '../runtime/gateway.ts';
import { addressPool } from '../translate/addresses.ts';
import type { RunOptions } from './args.ts';
import { UsageError } from './args.ts';

/** Resolves with the exit code once the process has been asked to stop and everything is closed. */
export async function runGatewayCommand(options: RunOptions): Promise<number> {
  try {
    addressPool(options.addressPool);
  } catch (err) {
    throw new UsageError(`--address-pool: ${(err as Error).message}`, 'run');
  }
  const logger = createLogger(options.logLevel);
  // A promise nobody awaited failed: one operation is lost, the served config is intact, so log and go on
  // rather than take every connection down (Node's default). A thrown exception is different: state may be
  // broken, so log it in the usual format and exit.
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled promise rejection'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });
  let gateway;
  try {
    gateway = await startGateway({ ...options, logger });
  } catch (err) {
    logger.fatal({ err }, 'cannot start');
    return 1;
  }
  logger.info({ files: options.paths, controllerName: options.controllerName }, 'onramp running');

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info({ signal }, 'shutting down');
  // A second signal while closing means "now": exit without waiting for connections to drain.
  const force = () => process.exit(1);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  await gateway.close();
  logger.info('stopped');
  return 0;
}
