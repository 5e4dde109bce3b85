// The Slack desk, assembled: Bolt's App with Kefu's own HTTP receiver (events and button presses
// on Kefu's fastify server, signature-verified) or, with socketMode, Bolt's Socket Mode receiver
// (Kefu opens a WebSocket to Slack, nothing public to expose). docs/handoff.md sets the app up.

import { App, LogLevel, SocketModeReceiver, type Logger as SlackLogger } from '@slack/bolt';
import type { FastifyInstance } from 'fastify';
import type { AgentEventHandler } from '../../../dialogs/handoff/agent-events.ts';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import type { DeskAdapter } from '../desk-adapter.ts';
import type { AgentLanguage } from '../agent-texts.ts';
import { SlackDesk } from './slack-desk.ts';
import { SlackHttpReceiver } from './slack-http-receiver.ts';
import { registerSlackListeners } from './slack-listeners.ts';

/** The Request URL for both Event Subscriptions and Interactivity in the Slack app's settings. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** What the desk reads of agentDesk.slack (docs/handoff.md). */
export interface SlackDeskSettings {
  botToken: string;
  signingSecret: string;
  /** The channel hand-off threads open in; `channels` names one per queue. */
  channel: string;
  channels?: Record<string, string>;
  socketMode?: boolean;
  appToken?: string;
  apiUrl?: string;
}

export interface SlackDeskAdapterOptions {
  noteMarker: string;
  /** The language Kefu writes to agents in (agentDesk.language). */
  language?: AgentLanguage;
  resumeFlows?: readonly string[];
  clock: Clock;
  logger: Logger;
  /** How often a failed Slack API call (5xx, network) is tried again before the error reaches the core. */
  retries?: number;
}

const RECONNECT_FIRST_MS = 2_000;
const RECONNECT_LONGEST_MS = 60_000;

/**
 * Slack answered and said no (invalid_auth, account_inactive, …): a setting to fix, not an outage.
 * The WebClient marks such answers with this code (@slack/web-api's ErrorCode.PlatformError).
 */
function isSlackRefusal(error: unknown): boolean {
  return (error as { code?: string })?.code === 'slack_webapi_platform_error';
}

/** Bolt's and the WebClient's logs go through Kefu's (masked) logger. */
function slackLogger(logger: Logger): SlackLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => logger.debug({ slack: msg.map(String).join(' ') }),
    info: (...msg: unknown[]) => logger.info({ slack: msg.map(String).join(' ') }),
    warn: (...msg: unknown[]) => logger.warn({ slack: msg.map(String).join(' ') }),
    error: (...msg: unknown[]) => logger.error({ slack: msg.map(String).join(' ') }),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export function createSlackDeskAdapter(config: SlackDeskSettings, options: SlackDeskAdapterOptions): DeskAdapter {
  const { logger, clock } = options;
  const log = slackLogger(logger);
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // 429s wait for Retry-After and try again; 5xx and network errors are tried `retries` more times
    // with a short backoff, then the error reaches the core (and the buyer's channel retries).
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 300, maxTimeout: 3000 },
    timeout: 10_000,
  };
  const httpReceiver = config.socketMode ? null : new SlackHttpReceiver({ signingSecret: config.signingSecret, path: SLACK_EVENTS_PATH, clock, logger });
  const receiver = httpReceiver ?? new SocketModeReceiver({ appToken: config.appToken!, logger: log, installerOptions: { clientOptions } });
  const app = new App({ token: config.botToken, receiver, deferInitialization: true, clientOptions, logger: log });
  const desk = new SlackDesk({ client: app.client, channel: config.channel, channels: config.channels ?? {}, noteMarker: options.noteMarker, resumeFlows: options.resumeFlows ?? [], ...(options.language ? { language: options.language } : {}) });

  let handler: AgentEventHandler | null = null;
  registerSlackListeners(app, {
    desk,
    clock,
    logger,
    handler: () => {
      if (!handler) throw new Error('the Slack desk is not started');
      return handler;
    },
  });

  // auth.test (and, for Socket Mode, the WebSocket): a token Slack refuses stops the start here,
  // not at the first hand-off. A Slack that cannot be reached does not: Kefu starts and answers
  // buyers, hand-offs wait in the store (dialogs/handoff/desk-outbox.ts), /healthz says so, and
  // the connection is tried again in the background.
  let unreachable: { since: number; reason: string } | null = null;
  let connected = false;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let pauseMs = RECONNECT_FIRST_MS;
  const connect = async (): Promise<void> => {
    try {
      await app.init();
      if (!httpReceiver) await app.start();
      connected = true;
      if (unreachable) logger.info('Slack is reachable again');
      unreachable = null;
    } catch (error) {
      if (isSlackRefusal(error)) throw error;
      const reason = (error as Error).message.split('\n')[0]!.slice(0, 200);
      if (!unreachable) logger.error({ err: reason }, 'Slack cannot be reached; Kefu serves buyers and keeps hand-offs until it is back');
      unreachable = { since: unreachable?.since ?? clock.now(), reason };
      if (closed) return;
      retry = setTimeout(() => {
        retry = null;
        void connect().catch((refused: Error) => logger.error({ err: refused.message }, 'Slack refused the bot token'));
      }, pauseMs);
      retry.unref();
      pauseMs = Math.min(RECONNECT_LONGEST_MS, pauseMs * 2);
    }
  };

  return {
    desk,
    registerRoutes(http: FastifyInstance) {
      httpReceiver?.register(http);
    },
    async start(next: AgentEventHandler) {
      handler = next;
      await connect();
    },
    degraded() {
      return unreachable ? { part: 'agentDesk.slack', since: new Date(unreachable.since).toISOString(), reason: unreachable.reason } : null;
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      if (!httpReceiver && connected) await app.stop().catch((error: Error) => logger.warn({ err: error.message }, 'Slack Socket Mode did not stop cleanly'));
    },
  };
}
