// The agents' figures on /admin (dialogs/insight/agent-figures.ts), mounted inside /admin's guard:
//   GET /admin/api/agents   per agent over 24 hours: hand-offs handled, average first-reply wait and
//                           handling time; the measured rate; and the longest wait in the queue now

import type { FastifyInstance } from 'fastify';
import { computeAgentFigures } from '../../dialogs/insight/agent-figures.ts';
import type { InsightStore } from '../../dialogs/insight/insight-store.ts';
import type { Clock, Logger } from '../../dialogs/ports.ts';

export interface AgentRoutesOptions {
  /** An agent's display name by id (Kefu's desk accounts); the id is shown when unknown. */
  nameOf(id: string): string | undefined;
  /** Seconds the longest-waiting unclaimed hand-off has waited now (null: none waiting). */
  longestWait(now: number): Promise<number | null>;
  store: InsightStore;
  clock: Clock;
  logger: Logger;
}

export function registerAgentRoutes(admin: FastifyInstance, options: AgentRoutesOptions): void {
  const { store, clock, logger } = options;
  admin.get('/admin/api/agents', async (_request, reply) => {
    const now = clock.now();
    try {
      const [figures, longestWaitSeconds] = await Promise.all([computeAgentFigures(store, now), options.longestWait(now)]);
      const agents = figures.agents.map((agent) => ({ ...agent, name: options.nameOf(agent.id) ?? agent.id }));
      return reply.header('cache-control', 'no-store').send({ at: now, agents, handled: figures.handled, measuredDailyRate: figures.measuredDailyRate, longestWaitSeconds });
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'agent figures could not be read');
      return reply.status(503).header('retry-after', '5').send({ error: 'the agents\' figures are unavailable right now (is Redis reachable?); try again shortly' });
    }
  });
}
