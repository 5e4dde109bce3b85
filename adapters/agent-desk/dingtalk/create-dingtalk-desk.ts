// Builds the DingTalk desk from its settings (`agentDesk.dingtalk`, docs/handoff-dingtalk.md): the OpenAPI
// client, the desk, its routes (the HTTP callback in callback mode, the card buttons' pages when
// publicUrl is set) and, in Stream mode, the WebSocket to DingTalk. The Stream SDK is loaded only
// in Stream mode.

import type { FastifyInstance } from 'fastify';
import type { Clock, DeliveryLedger, Logger, SessionStore } from '../../../dialogs/ports.ts';
import type { AgentLanguage } from '../agent-texts.ts';
import type { DeskAdapter } from '../desk-adapter.ts';
import { registerDingtalkActionRoutes } from './action-routes.ts';
import { registerDingtalkCallbackRoute } from './callback-route.ts';
import { DingtalkDesk } from './dingtalk-desk.ts';
import { HandoffCodes } from './handoff-codes.ts';
import { DINGTALK_API_BASE, DINGTALK_SESSION_WEBHOOK_ORIGIN, DingtalkOpenApi } from './openapi-client.ts';
import type { StreamReceiver } from './stream-receiver.ts';

/** What the desk reads of agentDesk.dingtalk (docs/handoff-dingtalk.md). */
export interface DingtalkDeskSettings {
  appKey: string;
  appSecret: string;
  robotCode: string;
  openConversationId: string;
  mode?: 'stream' | 'callback';
  queues?: Record<string, string>;
  apiBaseUrl?: string;
  publicUrl?: string | null;
}

/** The hand-off settings the desk shows or follows. */
export interface DingtalkHandoffSettings {
  keepSeconds: number;
  noteMarker: string;
  resumeFlows?: readonly string[];
  timezone: string;
  /** The language Kefu writes to agents in (agentDesk.language); English when left out. */
  language?: AgentLanguage;
}

export interface DingtalkDeskParts {
  sessions: SessionStore;
  /** Keeps the HTTP callback's used timestamp + sign pairs (shared across processes on Redis). */
  ledger: DeliveryLedger;
  clock: Clock;
  logger: Logger;
}

export function createDingtalkDeskAdapter(settings: DingtalkDeskSettings, handoff: DingtalkHandoffSettings, parts: DingtalkDeskParts): DeskAdapter & { dingtalk: DingtalkDesk } {
  const { clock, logger, sessions, ledger } = parts;
  const apiBase = settings.apiBaseUrl ?? DINGTALK_API_BASE;
  const api = new DingtalkOpenApi({
    appKey: settings.appKey,
    appSecret: settings.appSecret,
    robotCode: settings.robotCode,
    apiBase,
    // Session webhooks are DingTalk's; a test's loopback DingTalk serves them on its own host.
    sessionWebhookOrigins: [DINGTALK_SESSION_WEBHOOK_ORIGIN, new URL(apiBase).origin],
    clock,
    logger,
  });
  const keyPrefix = 'dingtalk-desk:';
  const keepSeconds = handoff.keepSeconds;
  const desk = new DingtalkDesk({
    api,
    codes: new HandoffCodes(sessions, keyPrefix, keepSeconds),
    sessions,
    keyPrefix,
    keepSeconds,
    appSecret: settings.appSecret,
    openConversationId: settings.openConversationId,
    // Queue names are lower case (handoff.queues); a name set from the environment arrives upper-cased.
    queues: Object.fromEntries(Object.entries(settings.queues ?? {}).map(([queue, group]) => [queue.toLowerCase(), group])),
    publicUrl: settings.publicUrl ?? null,
    noteMarker: handoff.noteMarker,
    resumeFlows: handoff.resumeFlows ?? [],
    timezone: handoff.timezone,
    language: handoff.language ?? 'en',
    clock,
    logger,
  });
  const mode = settings.mode ?? 'stream';
  let receiver: StreamReceiver | null = null;

  return {
    desk,
    dingtalk: desk,
    registerRoutes(http: FastifyInstance) {
      if (mode === 'callback') {
        registerDingtalkCallbackRoute(http, { appSecret: settings.appSecret, handle: (message) => desk.handleRobotMessage(message), ledger, clock, logger });
      }
      if (settings.publicUrl) {
        registerDingtalkActionRoutes(http, {
          appSecret: settings.appSecret,
          act: (threadId, action) => desk.handleCardAction(threadId, action),
          codeOf: (threadId) => desk.codeOf(threadId),
          language: handoff.language ?? 'en',
          noteMarker: handoff.noteMarker,
          clock,
          logger,
        });
      }
    },
    async start(handler) {
      desk.attach(handler);
      if (mode !== 'stream') return;
      const { StreamReceiver } = await import('./stream-receiver.ts');
      receiver = new StreamReceiver({
        clientId: settings.appKey,
        clientSecret: settings.appSecret,
        apiBase,
        logger,
        onRobotMessage: (message) => desk.handleRobotMessage(message),
      });
      // Resolves after the first attempt; a DingTalk that cannot be reached is retried in the
      // background, so Kefu still starts and serves buyers.
      await receiver.connect();
    },
    degraded() {
      const failure = receiver?.lastFailure;
      return failure ? { part: 'agentDesk.dingtalk', since: new Date(failure.since).toISOString(), reason: failure.reason } : null;
    },
    async close() {
      receiver?.disconnect();
    },
  };
}
