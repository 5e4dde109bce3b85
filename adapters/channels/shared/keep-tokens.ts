// Starts a channel's TokenKeeper: its gauges on /metrics, and a check every minute that renews the
// access token before it expires and warns when the authorisation nears its end, even while no buyer
// writes (a refresh token left unused until it expires would end the authorisation too); and its
// status on /admin.

import type { FastifyInstance } from 'fastify';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import type { Kefu } from '../../../server.ts';
import { TokenKeeper, type TokenKeeperOptions } from './token-keeper.ts';
import { watchTokens } from './token-metrics.ts';

export const TOKEN_CHECK_MS = 60_000;

export function keepTokens(http: FastifyInstance, kefu: Kefu, options: TokenKeeperOptions & { clock: Clock; logger: Logger }): TokenKeeper {
  const keeper = new TokenKeeper(options);
  watchTokens(kefu.insight.metrics.registry, keeper, options.clock);
  // The same status on /admin (adapters/insight/channel-token-status.ts).
  const report = () => keeper.status();
  kefu.insight.channelTokens.add(report);
  let running: Promise<void> = keeper.keepFresh().catch((error: Error) => options.logger.warn({ err: error.message, channel: options.channel }, 'token check failed; will try again'));
  const timer = setInterval(() => {
    running = keeper.keepFresh().catch((error: Error) => options.logger.warn({ err: error.message, channel: options.channel }, 'token check failed; will try again'));
  }, TOKEN_CHECK_MS);
  timer.unref();
  http.addHook('onClose', async () => {
    clearInterval(timer);
    kefu.insight.channelTokens.delete(report);
    await running;
  });
  return keeper;
}
