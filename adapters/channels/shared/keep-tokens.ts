// Keeps a channel's tokens fresh once the channel starts: its gauges on /metrics, and a check every
// minute that renews the access token before it expires and warns when the authorisation nears its
// end, even while no buyer writes (a refresh token left unused until it expires would end the
// authorisation too); and its status on /admin.

import type { Registry } from 'prom-client';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import type { ChannelTokenStatus } from '../../insight/channel-token-status.ts';
import type { TokenKeeper } from './token-keeper.ts';
import { watchTokens } from './token-metrics.ts';

export const TOKEN_CHECK_MS = 60_000;

/** Where the tokens' state is shown: Prometheus, and the channels' list on /admin. */
export interface TokenReporting {
  metrics: { registry: Registry };
  channelTokens: Set<() => ChannelTokenStatus>;
}

/** Starts the checks; returns what stops them (waiting for a check under way). */
export function keepTokens(keeper: TokenKeeper, options: { channel: string; reporting: TokenReporting; clock: Clock; logger: Logger }): () => Promise<void> {
  const { reporting, clock, logger, channel } = options;
  watchTokens(reporting.metrics.registry, keeper, clock);
  // The same status on /admin (adapters/insight/channel-token-status.ts).
  const report = () => keeper.status();
  reporting.channelTokens.add(report);
  const check = (): Promise<void> => keeper.keepFresh().catch((error: Error) => logger.warn({ err: error.message, channel }, 'token check failed; will try again'));
  let running = check();
  const timer = setInterval(() => {
    running = check();
  }, TOKEN_CHECK_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    reporting.channelTokens.delete(report);
    await running;
  };
}
