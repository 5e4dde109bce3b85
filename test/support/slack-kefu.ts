// A real Kefu server whose agent desk is Slack, with Slack's Web API played by FakeSlackApi on
// loopback: configured the way a shop does (a config file with ${env:…} secrets), so only the
// API host differs from production.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '../../server.ts';
import { FakeSlackApi } from './fake-slack-api.ts';
import { postMessage } from './start-kefu.ts';
import { startTestKefu } from './start-kefu.ts';
import { blockActionBody, deliverToSlackEndpoint, eventEnvelope, threadReply, type SlackAnswer } from './slack-requests.ts';

export const SLACK_BOT_TOKEN = 'xoxb-kefu-test-token';
export const SLACK_SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
export const QUEUE_CHANNELS = { presale: 'C0PRESALE', aftersale: 'C0AFTERSALE', logistics: 'C0LOGISTICS', complaints: 'C0COMPLAINTS' } as const;

export interface SlackKefu {
  server: RunningServer;
  slack: FakeSlackApi;
  /** Kefu's Slack Request URL. */
  eventsUrl: string;
  close(): Promise<void>;
  /** An agent's reply in a thread, delivered as a signed event; returns Slack's answer. */
  agentReplies(channel: string, threadTs: string, user: string, text: string, options?: { eventId?: string; retryNum?: number }): Promise<SlackAnswer>;
  /** An agent presses a card button. */
  agentPresses(channel: string, cardTs: string, user: string, action: 'kefu_claim' | 'kefu_back_to_bot' | 'kefu_close'): Promise<SlackAnswer>;
  /** An agent picks a flow in the card's "Back to bot, then…" menu. */
  agentResumes(channel: string, cardTs: string, user: string, flow: string): Promise<SlackAnswer>;
  /** What the buyer's web chat page has been pushed (agent replies, notices), oldest first. */
  pushedToBuyer(conversationId: string): Promise<string[]>;
  /** What the bot answered a web chat message. */
  say(conversationId: string, text: string, messageId?: string): Promise<{ status: number; texts: string[] }>;
}

export interface SlackKefuOptions {
  redisUrl?: string;
  env?: Record<string, string>;
  /** Share one Slack with another Kefu process (closed by whoever started it). */
  slack?: FakeSlackApi;
  socketMode?: boolean;
  /** More lines for the configuration file (e.g. a `desk:` section). */
  extraConfig?: string[];
  /** agentDesk.language: the language Kefu writes to agents in. */
  agentLanguage?: 'zh-Hans' | 'zh-Hant' | 'en';
}

export async function startSlackKefu(options: SlackKefuOptions = {}): Promise<SlackKefu> {
  const ownSlack = !options.slack;
  const slack = options.slack ?? (await new FakeSlackApi(SLACK_BOT_TOKEN).start());
  const dir = mkdtempSync(join(tmpdir(), 'kefu-slack-'));
  const file = join(dir, 'kefu.yaml');
  writeFileSync(file, [
    'agentDesk:',
    '  kind: slack',
    ...(options.agentLanguage ? [`  language: ${options.agentLanguage}`] : []),
    '  slack:',
    '    botToken: ${env:SLACK_BOT_TOKEN}',
    '    signingSecret: ${env:SLACK_SIGNING_SECRET}',
    `    channel: ${QUEUE_CHANNELS.presale}`,
    `    channels: { aftersale: ${QUEUE_CHANNELS.aftersale}, logistics: ${QUEUE_CHANNELS.logistics}, complaints: ${QUEUE_CHANNELS.complaints} }`,
    `    apiUrl: ${slack.url}`,
    ...(options.socketMode ? ['    socketMode: true', '    appToken: ${env:SLACK_APP_TOKEN}'] : []),
    'handoff:',
    '  resumeFlows: [size_advice]',
    ...(options.extraConfig ?? []),
    '',
  ].join('\n'));
  let server: RunningServer;
  try {
    server = await startTestKefu({
      ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
      env: { KEFU_CONFIG: file, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN: 'xapp-kefu-test', ...options.env },
    });
  } catch (error) {
    if (ownSlack) await slack.close();
    throw error;
  }
  const eventsUrl = `${server.url}/slack/events`;
  const sign = { secret: SLACK_SIGNING_SECRET };
  return {
    server,
    slack,
    eventsUrl,
    async close() {
      await server.close();
      if (ownSlack) await slack.close();
    },
    agentReplies(channel, threadTs, user, text, extra = {}) {
      const body = eventEnvelope(threadReply(channel, threadTs, user, text), extra.eventId);
      return deliverToSlackEndpoint(eventsUrl, body, 'application/json', { ...sign, ...(extra.retryNum !== undefined ? { retryNum: extra.retryNum } : {}) });
    },
    agentPresses(channel, cardTs, user, action) {
      const body = blockActionBody({ channel, messageTs: cardTs, user, userName: user.toLowerCase(), actionId: action, value: 'x' });
      return deliverToSlackEndpoint(eventsUrl, body, 'application/x-www-form-urlencoded', sign);
    },
    agentResumes(channel, cardTs, user, flow) {
      const body = blockActionBody({ channel, messageTs: cardTs, user, actionId: 'kefu_resume', value: '', selected: flow });
      return deliverToSlackEndpoint(eventsUrl, body, 'application/x-www-form-urlencoded', sign);
    },
    async pushedToBuyer(conversationId) {
      const items = await server.kefu.mailbox.readAfter(conversationId, null);
      return items.flatMap((item) => (JSON.parse(item.data) as { replies: { text: string }[] }).replies.map((r) => r.text));
    },
    async say(conversationId, text, messageId) {
      const answer = await postMessage(server.url, { conversationId, text, ...(messageId ? { messageId } : {}) });
      const texts = answer.status === 200 ? (answer.body.replies as { text: string }[]).map((r) => r.text) : [];
      return { status: answer.status, texts };
    },
  };
}

/** Polls until check passes (a generous limit, never a fixed wait). */
export async function eventually<T>(check: () => Promise<T> | T, what: string, limitMs = 10_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: ${(lastError as Error)?.message ?? lastError}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
