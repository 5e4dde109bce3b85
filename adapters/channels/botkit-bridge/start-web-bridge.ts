// Runs Kefu with Botkit's web adapter in front of it: `npx tsx adapters/channels/botkit-bridge/start-web-bridge.ts`
// after `npm ci --ignore-scripts` in this folder. Messages come over WebSocket (ws://host:port/) or
// as webhook POSTs ({"type":"message","user":"u1","text":"你好"} to /api/messages, replies in the
// answer). BOTKIT_PORT (default 3100) and BOTKIT_HOST (default 127.0.0.1) choose where it listens;
// everything else is Kefu's usual configuration. A shop using another Botkit adapter copies this file
// and constructs that adapter instead.

import { WebAdapter } from 'botbuilder-adapter-web';
import { composeFromEnvironment } from '../../../compose/from-environment.ts';
import { startBotkitBridge } from './botkit-bridge.ts';

// A start script is a composition root of its own: the one kind of adapter file that may use compose/.
const { kefu, logger } = await composeFromEnvironment();
const bridge = await startBotkitBridge({
  adapter: new WebAdapter({ noServer: true }),
  conversations: kefu.conversations,
  channel: 'botkit-web',
  host: process.env.BOTKIT_HOST ?? '127.0.0.1',
  port: Number(process.env.BOTKIT_PORT ?? 3100),
  logger,
});
kefu.outbound.set('botkit-web', bridge.outbound);
logger.info(`Kefu behind Botkit's web adapter: ${bridge.url}/api/messages (webhook) and ${bridge.url.replace('http', 'ws')} (WebSocket)`);
const stop = (): void => {
  void bridge.close().then(() => kefu.close()).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
