// Requests as Slack sends them to an app's Request URL, signed exactly as Slack signs them:
//   X-Slack-Request-Timestamp: seconds since the epoch
//   X-Slack-Signature: "v0=" + hex(HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>"))

import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackDelivery {
  secret: string;
  /** Seconds; now when absent. */
  timestamp?: number;
  retryNum?: number;
  /** Replace the computed signature (a forgery). */
  signature?: string;
}

export interface SlackAnswer {
  status: number;
  text: string;
}

export async function deliverToSlackEndpoint(url: string, body: string, contentType: string, delivery: SlackDelivery): Promise<SlackAnswer> {
  const timestamp = delivery.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': delivery.signature ?? slackSignature(delivery.secret, timestamp, body),
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
  if (delivery.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(delivery.retryNum);
    headers['x-slack-retry-reason'] = 'http_error';
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

let eventCounter = 0;

/** An Events API envelope (event_callback) around an event. */
export function eventEnvelope(event: Record<string, unknown>, eventId = `Ev${Date.now()}${++eventCounter}`): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: 'T0KEFU',
    api_app_id: 'A0KEFU',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: 'T0KEFU', user_id: 'U0KEFUBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
}

/** An agent's reply in a thread, as a `message` event. */
export function threadReply(channel: string, threadTs: string, user: string, text: string): Record<string, unknown> {
  const ts = `${Math.floor(Date.now() / 1000)}.${String(++eventCounter).padStart(6, '0')}`;
  return { type: 'message', channel, user, text, ts, thread_ts: threadTs, event_ts: ts, channel_type: 'channel', team: 'T0KEFU' };
}

/** A button press on a message (interactivity), form-encoded with a JSON `payload` as Slack posts it. */
/** With `selected`, the action is a choice in a static_select menu instead of a button. */
export function blockActionBody(options: { channel: string; messageTs: string; user: string; userName?: string; actionId: string; value: string; actionTs?: string; selected?: string }): string {
  const actionTs = options.actionTs ?? `${Math.floor(Date.now() / 1000)}.${String(++eventCounter).padStart(6, '0')}`;
  const payload = {
    type: 'block_actions',
    user: { id: options.user, username: options.userName ?? 'agent', name: options.userName ?? 'agent', team_id: 'T0KEFU' },
    api_app_id: 'A0KEFU',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: options.messageTs, channel_id: options.channel, is_ephemeral: false },
    trigger_id: `${++eventCounter}.trigger`,
    team: { id: 'T0KEFU', domain: 'kefu-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: options.channel, name: 'kefu-handoffs' },
    message: { type: 'message', ts: options.messageTs, bot_id: 'B0KEFUBOT', text: 'Hand-off' },
    state: { values: {} },
    response_url: 'https://hooks.slack.com/actions/T0KEFU/1/abc',
    actions: [
      options.selected
        ? { action_id: options.actionId, block_id: 'kefu_handoff', type: 'static_select', selected_option: { text: { type: 'plain_text', text: options.selected, emoji: true }, value: options.selected }, placeholder: { type: 'plain_text', text: 'x', emoji: true }, action_ts: actionTs }
        : { action_id: options.actionId, block_id: 'kefu_handoff', text: { type: 'plain_text', text: 'x', emoji: true }, value: options.value, type: 'button', action_ts: actionTs },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
