// `onramp echo`: the conformance-style echo backend as a standalone process.
import { startEchoServer } from '../echo/server.ts';
import type { EchoServerOptions } from '../echo/server.ts';
import { createLogger } from '../log.ts';
import type { EchoOptions } from './args.ts';

export async function runEchoCommand(options: EchoOptions): Promise<number> {
  const logger = createLogger(options.logLevel);
  const { logLevel: _logLevel, ...serverOptions } = options;
  let server;
  try {
    server = await startEchoServer(serverOptions as EchoServerOptions);
  } catch (err) {
    logger.fatal({ err }, 'cannot start the echo server');
    return 1;
  }
  logger.info({ address: server.host, port: server.port, h2cPort: server.h2cPort }, 'echo server listening');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  return 0;
}
