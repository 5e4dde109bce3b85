// Kefu with its HTTP routes: buildServer registers every route (web chat, chips and suggestions,
// /admin, /desk, the agent desks' and the marketplace channels' webhooks, the order events) without
// listening; startServer listens on its own port. mount-kefu.ts hands the same routes to a shop's
// existing server.

import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../adapters/http/http-server.ts';
import { DemoSignIn } from '../adapters/webchat/demo-sign-in.ts';
import { IdentityVerifier } from '../adapters/webchat/identity-token.ts';
import { registerWebchatChips } from '../adapters/webchat/webchat-chips.ts';
import { MostAskedQuestions } from '../dialogs/shopping/most-asked.ts';
import { registerWebchatRateLimits } from '../adapters/webchat/webchat-rate-limits.ts';
import { registerWebchatRoutes } from '../adapters/webchat/webchat-routes.ts';
import { registerWebchatSuggest } from '../adapters/webchat/webchat-suggest.ts';
import type { KefuConfig } from '../config/config-types.ts';
import { systemClock, type Logger } from '../dialogs/ports.ts';
import { composeKefu } from './compose-kefu.ts';
import { checkDeskSettings, registerDesk } from './desk.ts';
import { registerInsightRoutes } from './insight-routes.ts';
import type { Kefu } from './kefu.ts';
import { registerPaymentReminderRoutes } from './payment-reminders.ts';

export interface RunningServer {
  kefu: Kefu;
  http: FastifyInstance;
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

/**
 * Kefu with every route registered but not listening: startServer listens on its own port, and
 * mountable.ts hands the same routes to a shop's existing Express (or plain node:http) server.
 */
/** `shopId`: the shop these routes answer for, in a deployment of many shops (compose/shops.ts). */
export async function buildServer(config: KefuConfig, logger: Logger, options: { shopId?: string } = {}): Promise<{ kefu: Kefu; http: FastifyInstance }> {
  checkDeskSettings(config);
  const kefu = await composeKefu(config, { logger });
  const http = createHttpServer({ bodyLimitBytes: config.server.bodyLimitBytes, logger, degraded: () => kefu.degraded() });
  if (config.webchat.enabled) {
    const { secret, audience, maxAgeSeconds } = config.webchat.identity;
    // Who a web chat buyer is: the shop's signed token; without a secret, on the demo order book, the
    // demo signs in its own demo buyers; otherwise every visitor is a guest (docs/webchat-identity.md).
    const demoSignIn = !secret && config.orders.backend === 'demo' ? new DemoSignIn({ audience, clock: systemClock }) : null;
    const identity = secret ? new IdentityVerifier({ secret, audience, maxAgeSeconds, clock: systemClock }) : (demoSignIn?.verifier ?? null);
    if (!secret) logger.info(demoSignIn ? 'web chat: no identity secret, the demo page signs in demo buyers' : 'web chat: no identity secret, every visitor is a guest');
    const limits = await registerWebchatRateLimits(http, { ...config.webchat.rateLimit, redis: kefu.redis, prefix: config.sessions.keyPrefix });
    registerWebchatRoutes(http, { conversations: kefu.conversations, mailbox: kefu.mailbox, clock: systemClock, logger, identity, demoSignIn, limits, ...(options.shopId ? { shopId: options.shopId } : {}) });
    // Question chips by page, from the flows loaded now (docs/shopping-path.md).
    const mostAsked = config.webchat.mostAskedChips > 0 ? { questions: new MostAskedQuestions({ store: kefu.insight.store, logger }), count: config.webchat.mostAskedChips } : undefined;
    registerWebchatChips(http, { chips: () => kefu.flows().chips, limits, ...(mostAsked ? { mostAsked } : {}) });
    // The shop's questions matching what the buyer has typed so far (docs/shopping-path.md).
    registerWebchatSuggest(http, { chips: () => kefu.flows().chips, limits });
  }
  registerInsightRoutes(http, kefu, config, logger);
  kefu.deskAdapter.registerRoutes?.(http);
  await registerDesk(http, kefu.desk, config, logger);
  for (const channel of kefu.channels) await channel.start({ http, conversations: kefu.conversations });
  registerPaymentReminderRoutes(http, kefu.reminders, config, { clock: systemClock, logger });
  return { kefu, http };
}

export async function startServer(config: KefuConfig, logger: Logger): Promise<RunningServer> {
  const { kefu, http } = await buildServer(config, logger);
  const address = await http.listen({ host: config.server.host, port: config.server.port });
  const port = (http.server.address() as { port: number }).port;
  const shownHost = config.server.host === '0.0.0.0' || config.server.host === '::' ? 'localhost' : config.server.host;
  logger.info(
    { sessions: kefu.storage === 'redis' ? 'redis' : 'memory', address },
    `Kefu is listening on http://${shownHost}:${port} — sessions in ${kefu.storage === 'redis' ? 'Redis' : 'memory (set REDIS_URL to use Redis)'}`,
  );
  return {
    kefu,
    http,
    url: `http://${shownHost === 'localhost' ? '127.0.0.1' : shownHost}:${port}`,
    async close() {
      await http.close();
      await kefu.close();
    },
  };
}
