// Kefu composed from the usual configuration (config/default.yaml, KEFU_CONFIG, the environment),
// with its logger: for a process that puts its own front in place of Kefu's HTTP server, such as
// the Botkit bridge's start script (adapters/channels/botkit-bridge/start-web-bridge.ts).

import { createLogger } from '../adapters/logging/create-logger.ts';
import { loadConfig } from '../config/load-config.ts';
import type { Logger } from '../dialogs/ports.ts';
import { composeKefu } from './compose-kefu.ts';
import type { Kefu } from './kefu.ts';

export async function composeFromEnvironment(): Promise<{ kefu: Kefu; logger: Logger }> {
  const loaded = loadConfig();
  const logger = createLogger({ level: loaded.config.logging.level, secretPaths: loaded.secretPaths });
  return { kefu: await composeKefu(loaded.config, { logger }), logger };
}
