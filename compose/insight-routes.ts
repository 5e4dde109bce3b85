// The two calls server.ts makes for merchant insight: attach the robot trainer once Kefu can
// reload its flows, and mount the dashboard, its APIs and /metrics on the HTTP server.

import type { FastifyInstance } from 'fastify';
import type { KefuConfig } from '../config/config-types.ts';
import { builtInActions } from '../dialogs/actions/index.ts';
import type { FlowSet } from '../dialogs/flows/load-flows.ts';
import { RobotTrainer } from '../dialogs/insight/robot-trainer.ts';
import type { BuyerTagger } from '../dialogs/buyers/buyer-tagger.ts';
import type { DeskView } from '../dialogs/handoff/desk-view.ts';
import type { Logger } from '../dialogs/ports.ts';
import { systemClock } from '../dialogs/ports.ts';
import { registerAdminRoutes } from '../adapters/insight/admin-routes.ts';
import type { Insight } from '../adapters/insight/insight.ts';

export function attachRobotTrainer(
  insight: Insight,
  config: KefuConfig,
  reload: () => Promise<{ ok: boolean; problems: string[] }>,
  flows: () => FlowSet,
  logger: Logger,
): void {
  insight.trainer = new RobotTrainer({
    store: insight.store,
    flowsDir: config.flows.dir,
    newIntentsFile: config.insight.trainer.newIntentsFile,
    clusterThreshold: config.insight.trainer.clusterThreshold,
    actions: builtInActions,
    nluThreshold: config.nlu.threshold,
    reload,
    flows,
    logger,
  });
}

export function registerInsightRoutes(
  http: FastifyInstance,
  kefu: { insight: Insight; flows(): FlowSet; buyerTags: BuyerTagger; desk: { view: DeskView } },
  config: KefuConfig,
  logger: Logger,
): void {
  registerAdminRoutes(http, {
    token: config.admin.token,
    insight: kefu.insight,
    flows: () => kefu.flows(),
    buyerTags: { tags: kefu.buyerTags, rules: () => kefu.flows().buyerTags },
    agents: {
      nameOf: (id) => config.desk.agents.find((agent) => agent.id === id)?.name,
      async longestWait(now) {
        const waiting = (await kefu.desk.view.queue(now)).handoffs.filter((handoff) => handoff.status === 'waiting');
        return waiting.length > 0 ? Math.max(...waiting.map((handoff) => handoff.waitSeconds)) : null;
      },
    },
    agentDailyCapacity: config.insight.agentDailyCapacity,
    liveUpdateMs: config.insight.liveUpdateSeconds * 1000,
    clock: systemClock,
    logger,
  });
}
