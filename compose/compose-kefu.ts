// Wires one Kefu from its configuration, without listening: the flows (watched and reloaded), the
// catalog and orders, the stores, insight, the agent desk and the hand-offs, the channels, the
// conversation service and the payment reminders. A part that cannot start closes those opened
// before it, so a failed start leaves no connection or timer behind.

import { watchFolder, type FolderWatcher } from '../adapters/files/watch-folder.ts';
import { InMemoryAgentQueue } from '../adapters/agent-desk/in-memory-agent-queue.ts';
import { WebchatOutbound, WEBCHAT_CHANNEL } from '../adapters/webchat/webchat-outbound.ts';
import { hasRedis } from '../adapters/stores/redis/redis-connection.ts';
import type { KefuConfig } from '../config/config-types.ts';
import { FanOutEventSink } from '../adapters/events/fan-out-event-sink.ts';
import { builtInActions } from '../dialogs/actions/index.ts';
import { BuyerTagger } from '../dialogs/buyers/buyer-tagger.ts';
import type { Orders } from '../dialogs/commerce/orders.ts';
import { ConversationService } from '../dialogs/conversations.ts';
import { Engine } from '../dialogs/engine/engine.ts';
import { loadFlows, type LoadResult } from '../dialogs/flows/load-flows.ts';
import { formatProblem, InvalidFilesError } from '../dialogs/flows/problems.ts';
import { AgentPresence } from '../dialogs/handoff/agent-presence.ts';
import { handoffNotice } from '../dialogs/handoff/handoff-notice.ts';
import { systemClock, type OutboundChannel } from '../dialogs/ports.ts';
import { createCatalog } from './catalog.ts';
import { createDeskAdapter, createDeskView, createHandoffScheduler, createHandoffService, degradedParts, handoffSettings } from './handoff.ts';
import { createInsight } from './insight.ts';
import { attachRobotTrainer } from './insight-routes.ts';
import type { ComposeOptions, Kefu } from './kefu.ts';
import { createMarketplaceChannels } from './marketplace-channels.ts';
import { afterSalePolicy, chooseOrders } from './orders.ts';
import { reminderResults, setUpPaymentReminders } from './payment-reminders.ts';
import { createStores } from './stores.ts';

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
  // Buyer tags from the flows' rules (docs/buyer-tags.md): fed by every turn and order, read by
  // flows (buyer.tags), hand-off cards and the admin API; each newly held tag is counted for /admin.
  const tagger = new BuyerTagger({
    store: stores.buyerTags,
    rules: () => current.buyerTags,
    timezone: config.shop.timezone,
    clock: systemClock,
    logger,
    onTagged: (tag, at) => insight.recorder.count(at, { [`buyer_tag:${tag}`]: 1 }),
  });
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
    buyerTags: async (buyer) => (await tagger.tagsOf(buyer)).map((tag) => tag.name),
  });
  // Every channel is built before the conversation service and the hand-offs, which send on them.
  const channels = await createMarketplaceChannels(config, { reporting: insight, clock: systemClock, logger }).catch(abandonStart);
  opened.push(...channels);
  const outbound = new Map<string, OutboundChannel>([[WEBCHAT_CHANNEL, new WebchatOutbound(stores.mailbox)], ...channels.map((channel) => [channel.name, channel.outbound] as const)]);
  const handoffScheduler = await started(createHandoffScheduler(config, logger));
  const handoffs = createHandoffService(config, { engine, ...stores, buyerTags: (buyer) => tagger.tagsOf(buyer), onAgentWork: (work) => insight.recorder.recordAgentWork(work), outbound, desk: deskAdapter, clock: systemClock, logger, scheduler: handoffScheduler });
  await deskAdapter.start(handoffs).catch(abandonStart);
  await handoffScheduler.start((job) => handoffs.runJob(job)).catch(abandonStart);
  const conversations = new ConversationService({
    engine,
    sessions: stores.sessions,
    line: stores.line,
    turns: stores.turns,
    agentDesk: handoffs,
    events: new FanOutEventSink([insight.sink, tagger], logger),
    logger,
    outbound,
    sessionTtlSeconds: config.sessions.ttlSeconds,
    lastTurns: config.conversations.lastTurns,
    dedupeSeconds: config.conversations.dedupeSeconds,
    claimSeconds: Math.ceil(config.conversations.leaseMs / 1000),
    firstLanguage: config.shop.language,
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
      // Tags are a hint: the order event's answer never waits for them (nor for a store that is down).
      void tagger.recordOrder(event.buyer, event.occurredAt);
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
    channels,
    buyerTags: tagger,
    flows: () => current,
    reloadFlows,
    storage: hasRedis(config.redis) ? 'redis' : 'memory',
    insight,
    orders,
    reminders,
    redis: stores.redis,
    degraded: () => degradedParts(deskAdapter, handoffs),
    desk: { view: createDeskView(config, handoffs, { ...stores, logger, engine, orders, sentiment: insight.sentiment.score, insight: insight.store }), sessions: stores.sessions, attempts: stores.proofAttempts, ledger: stores.ledger, line: stores.line, ...(presence ? { presence } : {}) },
    async close() {
      // Newest first: the desk stops relaying before the stores it writes to go away.
      for (const each of [...opened].reverse()) await each.close();
    },
  };
}
