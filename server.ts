// Runs the demo shop's bot (`npm start`): reads the configuration and starts Kefu on its own port.
// The wiring itself lives in compose/ (composeKefu wires without listening, buildServer adds the
// routes, startServer listens); this file re-exports them for the terminal chat, the examples and
// the tests.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLogger } from './adapters/logging/create-logger.ts';
import { startServer } from './compose/build-server.ts';
import { InvalidCatalogError } from './compose/catalog.ts';
import { startShops } from './compose/shops.ts';
import { ConfigError, describeConfig, loadConfig } from './config/load-config.ts';
import { InvalidFilesError, formatProblem } from './dialogs/flows/problems.ts';

export { buildServer, startServer, type RunningServer } from './compose/build-server.ts';
export { composeKefu } from './compose/compose-kefu.ts';
export { startShops, type ShopsHost } from './compose/shops.ts';
export type { ComposeOptions, Kefu } from './compose/kefu.ts';

export const PROJECT_ROOT = path.dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  let loaded;
  try {
    loaded = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { config } = loaded;
  const logger = createLogger({ level: config.logging.level, secretPaths: loaded.secretPaths });
  logger.debug({ config: describeConfig(loaded) }, 'configuration');
  let server: { close(): Promise<void> };
  try {
    // shops.dir: many shops in this process (docs/shops.md); else the one shop this configuration describes.
    server = config.shops.dir ? await startShops({ config, logger }) : await startServer(config, logger);
  } catch (error) {
    if (error instanceof InvalidCatalogError) {
      process.stderr.write(`Kefu cannot start: the catalog file has problems:\n${error.problems.map(formatProblem).join('\n')}\n`);
      process.exit(1);
    }
    if (error instanceof InvalidFilesError) {
      process.stderr.write(`Kefu cannot start: the flow files have problems:\n${error.problems.map(formatProblem).join('\n')}\n`);
      process.exit(1);
    }
    logger.error({ err: (error as Error).message }, 'Kefu cannot start');
    process.exit(1);
  }
  const stop = (): void => {
    logger.info('shutting down');
    server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
