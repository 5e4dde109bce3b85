// Wires Kefu's own agent desk (/desk) from the `desk` settings: the agents' accounts (or the demo
// agent), sign-in through the shop's system (desk.sso), their sessions in the session store, the
// sign-in limits on the shared attempt counters, and the routes. startServer calls it; it is all the composition root knows about the desk.

import type { FastifyInstance } from 'fastify';
import type { KefuConfig } from '../config/config-types.ts';
import type { ProofAttempts } from '../dialogs/commerce/order-proof.ts';
import type { AgentPresence } from '../dialogs/handoff/agent-presence.ts';
import type { DeskView } from '../dialogs/handoff/desk-view.ts';
import { systemClock, type ConversationLine, type DeliveryLedger, type Logger, type SessionStore } from '../dialogs/ports.ts';
import { AgentAccounts } from '../adapters/desk/agent-accounts.ts';
import { AgentSso } from '../adapters/desk/agent-sso.ts';
import { registerDeskRoutes } from '../adapters/desk/desk-routes.ts';
import { knownQueues } from '../dialogs/handoff/handoff-routing.ts';
import { DeskColleagues } from '../adapters/desk/desk-colleagues.ts';
import { DeskSessions } from '../adapters/desk/desk-sessions.ts';

export interface DeskParts {
  view: DeskView;
  sessions: SessionStore;
  attempts: ProofAttempts;
  /** One writer at a time for the list of agents signed in through the shop. */
  line: ConversationLine;
  /** Remembers the shop's sign-in tokens already used (desk.sso). */
  ledger: DeliveryLedger;
  /** Told when an agent's page asks something, so buyers learn when nobody is at the desk. */
  presence?: Pick<AgentPresence, 'seen'>;
}

/** Refuses settings the desk must not run with; called before anything is opened. */
export function checkDeskSettings(config: KefuConfig): void {
  const secret = config.desk.sso.secret;
  // One secret for buyers and agents would let the shop's buyer token for "alice" sign in agent "alice".
  if (secret && secret === config.webchat.identity.secret) throw new Error('desk.sso.secret must differ from webchat.identity.secret: a buyer\'s token must never sign an agent in');
}

export async function registerDesk(http: FastifyInstance, parts: DeskParts, config: KefuConfig, logger: Logger): Promise<void> {
  const settings = config.desk;
  if (!settings.enabled) return;
  const ssoSecret = settings.sso.secret;
  const sso = ssoSecret ? new AgentSso({ secret: ssoSecret, audience: settings.sso.audience, ledger: parts.ledger, clock: systemClock }) : undefined;
  // A shop that signs its agents in has no use for a demo agent whose password is in the log.
  const accounts = await AgentAccounts.create(settings.agents, { demo: !sso, logger });
  const sessionSeconds = Math.round(settings.sessionHours * 3600);
  registerDeskRoutes(http, {
    view: parts.view,
    accounts,
    colleagues: new DeskColleagues(accounts, parts.sessions, parts.line, sessionSeconds, systemClock),
    sessions: new DeskSessions(parts.sessions, sessionSeconds),
    attempts: parts.attempts,
    limits: { perAgent: settings.signInLimits.perAgent, perAddress: settings.signInLimits.perAddress, windowSeconds: settings.signInLimits.windowMinutes * 60 },
    maxTextLength: config.conversations.maxTextLength,
    resumeFlows: config.handoff.resumeFlows ?? [],
    queues: knownQueues(config.handoff.queues),
    clock: systemClock,
    logger,
    ...(parts.presence ? { presence: parts.presence } : {}),
    ...(sso ? { sso } : {}),
  });
}
