// The composition root: read the configuration, choose the implementation of every port
// (in-memory by default, Redis when REDIS_URL is set), wire the core to the channels, listen.
// `composeKefu` wires without listening (the terminal chat and the tests use it);
// `startServer` adds the HTTP server; running this file starts the demo shop's bot.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createDeskAdapter, createDeskView, createHandoffScheduler, createHandoffService, degradedParts, handoffSettings } from './adapters/agent-desk/compose-handoff.ts';
import { registerDesk, type DeskParts } from './adapters/desk/register-desk.ts';
import type { DeskAdapter } from './adapters/agent-desk/desk-adapter.ts';
import { InMemoryAgentQueue } from './adapters/agent-desk/in-memory-agent-queue.ts';
import { afterSalePolicy, chooseOrders } from './adapters/commerce/choose-orders.ts';
import { createCatalog, InvalidCatalogError } from './adapters/commerce/create-catalog.ts';
import { watchFolder, type FolderWatcher } from './adapters/files/watch-folder.ts';
import { createHttpServer } from './adapters/http/http-server.ts';
import { createInsight, type Insight } from './adapters/insight/create-insight.ts';
import { attachRobotTrainer, registerInsightRoutes } from './adapters/insight/register-insight.ts';
import { createLogger } from './adapters/logging/create-logger.ts';
import { registerPaymentReminderRoutes, reminderResults, setUpPaymentReminders, type PaymentRemindersRuntime } from './adapters/reminders/payment-reminders-setup.ts';
import { MemoryConversationLine } from './adapters/stores/memory/memory-conversation-line.ts';
import { MemoryDeliveryLedger } from './adapters/stores/memory/memory-delivery-ledger.ts';
import { MemoryTurnLedger } from './adapters/stores/memory/memory-turn-ledger.ts';
import { MemoryPushMailbox } from './adapters/stores/memory/memory-push-mailbox.ts';
import { MemorySessionStore } from './adapters/stores/memory/memory-session-store.ts';
import type { MemoryStoreStats } from './adapters/stores/memory/expiring-map.ts';
import { MemoryProofAttempts } from './adapters/stores/memory/memory-proof-attempts.ts';
import type { PushMailbox } from './adapters/stores/push-mailbox.ts';
import { connectRedis, hasRedis, waitForRedisReady, type RedisClient } from './adapters/stores/redis/redis-connection.ts';
import { RedisConversationLine } from './adapters/stores/redis/redis-conversation-line.ts';
import { RedisDeliveryLedger } from './adapters/stores/redis/redis-delivery-ledger.ts';
import { RedisTurnLedger } from './adapters/stores/redis/redis-turn-ledger.ts';
import { RedisPushMailbox } from './adapters/stores/redis/redis-push-mailbox.ts';
import { RedisSessionStore } from './adapters/stores/redis/redis-session-store.ts';
import { RedisProofAttempts } from './adapters/stores/redis/redis-proof-attempts.ts';
import { WebchatOutbound, WEBCHAT_CHANNEL } from './adapters/webchat/webchat-outbound.ts';
import { registerWebchatRoutes } from './adapters/webchat/webchat-routes.ts';
import { registerWebchatChips } from './adapters/webchat/webchat-chips.ts';
import { registerWebchatSuggest } from './adapters/webchat/webchat-suggest.ts';
import { DemoSignIn } from './adapters/webchat/demo-sign-in.ts';
import { registerWebchatRateLimits } from './adapters/webchat/webchat-rate-limits.ts';
import { IdentityVerifier } from './adapters/webchat/identity-token.ts';
import type { KefuConfig } from './config/config-types.ts';
import { ConfigError, describeConfig, loadConfig } from './config/load-config.ts';
import { builtInActions } from './dialogs/actions/index.ts';
import { ConversationService } from './dialogs/conversations.ts';
import { Engine } from './dialogs/engine/engine.ts';
import { AgentPresence } from './dialogs/handoff/agent-presence.ts';
import { handoffNotice } from './dialogs/handoff/handoff-notice.ts';
import type { HandoffService } from './dialogs/handoff/handoff-service.ts';
import type { DegradedPart } from './dialogs/handoff/desk-health.ts';
import { loadFlows, type FlowSet, type LoadResult } from './dialogs/flows/load-flows.ts';
import { InvalidFilesError, formatProblem } from './dialogs/flows/problems.ts';
import type { Orders } from './dialogs/commerce/orders.ts';
import type { ProofAttempts } from './dialogs/commerce/order-proof.ts';
import type { Catalog, ConversationLine, DeliveryLedger, Logger, OutboundChannel, SessionStore, TurnLedger } from './dialogs/ports.ts';
import { registerMarketplaceChannels } from './adapters/channels/register-marketplace-channels.ts';
import { systemClock } from './dialogs/ports.ts';

export const PROJECT_ROOT = path.dirname(fileURLToPath(import.meta.url));

export interface Kefu {
  conversations: ConversationService;
  /** The in-memory desk (empty unless agentDesk.kind is memory). */
  agentQueue: InMemoryAgentQueue;
  /** The hand-off core: agents' events from any desk go to handoffs.handleAgentEvent. */
  handoffs: HandoffService;
  deskAdapter: DeskAdapter;
  mailbox: PushMailbox;
  /** The channels that can send later (agents' answers, reminders), by name; channels add themselves. */
  outbound: Map<string, OutboundChannel>;
  /** The flow set serving now (replaced on a valid reload). */
  flows(): FlowSet;
  /** Reloads the flow files; keeps the current flows and returns the problems when they are invalid. */
  reloadFlows(): Promise<{ ok: boolean; problems: string[] }>;
  storage: 'memory' | 'redis';
  /** Merchant insight: counters, trainer, metrics (docs/insight.md). */
  insight: Insight;
  /** The shop's orders (as orders.backend chooses, unless composeKefu was given others). */
  orders: Orders;
  /** Payment reminders (null when reminders.enabled is false); see docs/reminders.md. */
  reminders: PaymentRemindersRuntime | null;
  /** The stores' Redis client (null in memory). */
  redis: RedisClient | null;
  /** Kefu's own agent desk (/desk): its view of the hand-offs and the stores it keeps sessions in. */
  desk: DeskParts;
  /** Parts that do not work right now (a desk that cannot be reached), for /healthz. */
  degraded(): DegradedPart[];
  close(): Promise<void>;
}

interface Stores {
  sessions: SessionStore;
  line: ConversationLine;
  ledger: DeliveryLedger;
  /** Buyers' messages: claimed, and committed with the session (one Lua script on Redis). */
  turns: TurnLedger;
  mailbox: PushMailbox;
  proofAttempts: ProofAttempts;
  /** The Redis client the stores share (null in memory); the web chat's rate limits count there too. */
  redis: RedisClient | null;
  /** The memory stores by name, to show how full they are in /metrics (empty on Redis). */
  memoryStores: Record<string, { readonly stats: MemoryStoreStats }>;
  close(): Promise<void>;
}

async function createStores(config: KefuConfig, logger: Logger): Promise<Stores> {
  const { conversations, sessions } = config;
  if (!hasRedis(config.redis)) {
    // Capped, oldest first out: a flood of new conversations cannot grow the heap without bound.
    const cap = sessions.memoryMaxConversations;
    const memorySessions = new MemorySessionStore({ maxEntries: cap });
    const ledger = new MemoryDeliveryLedger({ maxEntries: cap * 10 });
    const turns = new MemoryTurnLedger({ sessions: memorySessions, maxEntries: cap * 10 });
    const mailbox = new MemoryPushMailbox({ keepSeconds: sessions.ttlSeconds, logger, maxEntries: cap });
    return {
      sessions: memorySessions,
      line: new MemoryConversationLine({ waitMs: conversations.lineWaitMs, leaseMs: conversations.leaseMs }),
      ledger,
      turns,
      mailbox,
      proofAttempts: new MemoryProofAttempts({ maxKeys: cap }),
      redis: null,
      memoryStores: { sessions: memorySessions, delivery_ledger: ledger, turn_ledger: turns, push_mailbox: mailbox },
      close: async () => {},
    };
  }
  const client: RedisClient = connectRedis(config.redis, { logger });
  await waitForRedisReady(client);
  const prefix = sessions.keyPrefix;
  const mailbox = new RedisPushMailbox({ client, prefix, keepSeconds: sessions.ttlSeconds, logger });
  return {
    sessions: new RedisSessionStore({ client, prefix }),
    line: new RedisConversationLine({ client, prefix, waitMs: conversations.lineWaitMs, leaseMs: conversations.leaseMs, logger }),
    ledger: new RedisDeliveryLedger({ client, prefix }),
    turns: new RedisTurnLedger({ client, prefix }),
    mailbox,
    proofAttempts: new RedisProofAttempts({ client, prefix }),
    redis: client,
    memoryStores: {},
    close: async () => {
      await mailbox.close();
      client.disconnect();
    },
  };
}

export interface ComposeOptions {
  logger: Logger;
  catalog?: Catalog;
  orders?: Orders;
}

/** Wires Kefu from its configuration; throws InvalidFilesError when the flows are invalid. */
export async function composeKefu(config: KefuConfig, options: ComposeOptions): Promise<Kefu> {
  const { logger } = options;
  const loadOptions = { actions: builtInActions, nluThreshold: config.nlu.threshold };
  // Watching starts before the first load and is ready before Kefu serves: chokidar reports only
  // changes to files its first scan has seen, so an edit saved while Kefu starts would be missed.
  // A change seen before everything is wired is reloaded once it is.
  let changedWhileStarting = false;
  let onFlowsChanged = (): void => {
    changedWhileStarting = true;
  };
  const watcher: FolderWatcher | null = config.flows.watch ? watchFolder(config.flows.dir, () => onFlowsChanged()) : null;
  // What is open so far (watcher, Redis clients, desks…), closed newest first when a later part
  // cannot start, so a failed start leaves no connection or timer behind.
  const opened: { close(): Promise<void> }[] = [];
  if (watcher) opened.push(watcher);
  const abandonStart = async (error: unknown): Promise<never> => {
    for (const each of opened.reverse()) await each.close().catch(() => {});
    throw error;
  };
  const started = async <T extends { close(): Promise<void> }>(part: Promise<T>): Promise<T> => {
    const value = await part.catch(abandonStart);
    opened.push(value);
    return value;
  };
  await watcher?.ready;
  const loaded = await loadFlows(config.flows.dir, loadOptions).catch(abandonStart);
  if (!loaded.ok) return abandonStart(new InvalidFilesError(loaded.problems));
  let current = loaded.flowSet;
  if (loaded.warnings.length > 0) logger.warn({ warnings: loaded.warnings.map(formatProblem) }, 'flow files load with warnings (npm run flows -- validate)');

  const commerce = await started(
    options.catalog ? Promise.resolve({ catalog: options.catalog, source: 'given', close: async () => {} }) : createCatalog(config.commerce, logger),
  );
  const catalog = commerce.catalog;
  const orders = options.orders ?? (await chooseOrders(config, logger).catch(abandonStart));
  // An orders backend that holds something open (the HTTP one's order-event polls) closes with Kefu.
  if (!options.orders && typeof (orders as Partial<{ close: unknown }>).close === 'function') opened.push(orders as Orders & { close(): Promise<void> });
  const stores = await started(createStores(config, logger));
  const insight = await started(createInsight(config, logger, () => new Set(current.intents.keys())));
  insight.metrics.watchMemoryStores(stores.memoryStores);
  const agentQueue = new InMemoryAgentQueue();
  const deskAdapter = await started(createDeskAdapter(config, agentQueue, logger, stores));
  // Who is at Kefu's own desk, when it is the only desk: a buyer asking for a person while nobody is
  // there is told so (handoff_no_agent). A team chat's agents cannot be seen from here.
  const presence = config.desk.enabled && config.agentDesk.kind === 'memory' ? new AgentPresence(stores.sessions, systemClock, logger) : null;
  if (presence) {
    await presence.start();
    opened.push({ close: async () => presence.stop() });
  }
  const engine = new Engine({
    flows: () => current,
    catalog,
    shopName: config.shop.name,
    maxTextLength: config.conversations.maxTextLength,
    lastTurns: config.conversations.lastTurns,
    entities: {
      defaultCountry: config.shop.defaultCountry as never,
      ...(config.shop.orderIdPattern ? { orderIdPattern: new RegExp(config.shop.orderIdPattern) } : {}),
    },
    logger,
    sentiment: insight.sentiment,
    handoffNotice: handoffNotice(handoffSettings(config), presence ?? undefined),
    orders,
    proofAttempts: stores.proofAttempts,
    afterSale: afterSalePolicy(config),
  });
  const outbound = new Map<string, OutboundChannel>([[WEBCHAT_CHANNEL, new WebchatOutbound(stores.mailbox)]]);
  const handoffScheduler = await started(createHandoffScheduler(config, logger));
  const handoffs = createHandoffService(config, { engine, ...stores, outbound, desk: deskAdapter, clock: systemClock, logger, scheduler: handoffScheduler });
  await deskAdapter.start(handoffs).catch(abandonStart);
  await handoffScheduler.start((job) => handoffs.runJob(job)).catch(abandonStart);
  const conversations = new ConversationService({
    engine,
    sessions: stores.sessions,
    line: stores.line,
    turns: stores.turns,
    agentDesk: handoffs,
    events: insight.sink,
    logger,
    outbound,
    sessionTtlSeconds: config.sessions.ttlSeconds,
    lastTurns: config.conversations.lastTurns,
    dedupeSeconds: config.conversations.dedupeSeconds,
    claimSeconds: Math.ceil(config.conversations.leaseMs / 1000),
  });

  const reminders = await setUpPaymentReminders({
    config,
    logger,
    clock: systemClock,
    orders,
    catalog,
    conversations,
    sessions: stores.sessions,
    deliveryLedger: stores.ledger,
    flows: () => current,
    // An order placed within 24 h of a pre-sale conversation is credited to the bot.
    onOrderPlaced: async (event) => {
      await insight.recorder.recordOrder({ channel: event.buyer.channel, buyerId: event.buyer.buyerId, orderId: event.orderId, at: event.occurredAt });
    },
  }).catch(abandonStart);
  if (reminders) {
    opened.push(reminders);
    insight.reminders = reminderResults(reminders.counters);
  }

  const loadAndApply: Kefu['reloadFlows'] = async () => {
    let result: LoadResult;
    try {
      result = await loadFlows(config.flows.dir, loadOptions);
    } catch (error) {
      // e.g. a file deleted between listing the folder and reading it: a problem, never a crash.
      result = { ok: false, problems: [{ file: config.flows.dir, line: 1, col: 1, message: `cannot read the flow files: ${(error as Error).message}` }] };
    }
    if (!result.ok) {
      const problems = result.problems.map(formatProblem);
      logger.error({ problems }, 'flow files are invalid; still serving the previous flows');
      return { ok: false, problems };
    }
    current = result.flowSet;
    if (result.warnings.length > 0) logger.warn({ warnings: result.warnings.map(formatProblem) }, 'flow files load with warnings (npm run flows -- validate)');
    logger.info({ files: result.flowSet.files.length, intents: result.flowSet.intents.size, flows: result.flowSet.flows.size }, 'flows reloaded');
    return { ok: true, problems: [] };
  };
  // One reload at a time, in the order asked, so a slower older load never replaces a newer one.
  let reloading: Promise<unknown> = Promise.resolve();
  const reloadFlows: Kefu['reloadFlows'] = () => {
    const next = reloading.then(loadAndApply);
    reloading = next.catch(() => {});
    return next;
  };
  attachRobotTrainer(insight, config, reloadFlows, () => current, logger);
  onFlowsChanged = () => void reloadFlows();
  if (changedWhileStarting) onFlowsChanged();

  return {
    conversations,
    agentQueue,
    handoffs,
    deskAdapter,
    mailbox: stores.mailbox,
    outbound,
    flows: () => current,
    reloadFlows,
    storage: hasRedis(config.redis) ? 'redis' : 'memory',
    insight,
    orders,
    reminders,
    redis: stores.redis,
    degraded: () => degradedParts(deskAdapter, handoffs),
    desk: { view: createDeskView(config, handoffs, { ...stores, logger, engine }), sessions: stores.sessions, attempts: stores.proofAttempts, ...(presence ? { presence } : {}) },
    async close() {
      // Newest first: the desk stops relaying before the stores it writes to go away.
      for (const each of [...opened].reverse()) await each.close();
    },
  };
}

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
export async function buildServer(config: KefuConfig, logger: Logger): Promise<{ kefu: Kefu; http: FastifyInstance }> {
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
    registerWebchatRoutes(http, { conversations: kefu.conversations, mailbox: kefu.mailbox, clock: systemClock, logger, identity, demoSignIn, limits });
    // Question chips by page, from the flows loaded now (docs/shopping-path.md).
    registerWebchatChips(http, { chips: () => kefu.flows().chips, limits });
    // The shop's questions matching what the buyer has typed so far (docs/shopping-path.md).
    registerWebchatSuggest(http, { chips: () => kefu.flows().chips, limits });
  }
  registerInsightRoutes(http, kefu, config, logger);
  kefu.deskAdapter.registerRoutes?.(http);
  await registerDesk(http, kefu.desk, config, logger);
  await registerMarketplaceChannels(http, kefu, config, logger);
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
  let server: RunningServer;
  try {
    server = await startServer(config, logger);
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
