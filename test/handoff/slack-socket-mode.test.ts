// The Slack desk over Socket Mode: Kefu opens the WebSocket (apps.connections.open with the
// app-level token), and agents' events and button presses arrive as envelopes it acknowledges.
// Nothing is mounted on Kefu's HTTP server for Slack.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../support/fake-slack-api.ts';
import { FakeSlackSocket } from '../support/fake-slack-socket.ts';
import { eventually, SLACK_BOT_TOKEN, startSlackKefu, type SlackKefu } from '../support/slack-kefu.ts';
import { blockActionBody, eventEnvelope, threadReply } from '../support/slack-requests.ts';

const AGENT = 'U0ALICE';

let slack: FakeSlackApi;
let socket: FakeSlackSocket;
let kefu: SlackKefu;

beforeAll(async () => {
  [slack, socket] = await Promise.all([new FakeSlackApi(SLACK_BOT_TOKEN).start(), new FakeSlackSocket().start()]);
  slack.socketMode = { appToken: 'xapp-kefu-test', url: socket.url };
  kefu = await startSlackKefu({ slack, socketMode: true });
  await socket.connected();
});

afterAll(async () => {
  await kefu?.close();
  await socket?.close();
  await slack?.close();
});

describe('Socket Mode', () => {
  it('connects with the app-level token and relays both ways', async () => {
    expect(slack.callsOf('apps.connections.open')).toHaveLength(1);
    const conversationId = `buyer-${randomUUID()}`;
    const mark = slack.mark();
    await kefu.say(conversationId, '转人工');
    const card = slack.cardsSince(mark)[0]!;
    expect(card).toBeDefined();

    const press = new URLSearchParams(blockActionBody({ channel: card.channel, messageTs: card.ts, user: AGENT, actionId: 'kefu_claim', value: 'x' })).get('payload')!;
    expect(await socket.deliver('interactive', JSON.parse(press))).toMatchObject({ envelope_id: expect.any(String) });
    await eventually(async () => expect(await kefu.pushedToBuyer(conversationId)).toEqual([expect.stringMatching(/人工客服已接入/)]), 'claimed');

    await socket.deliver('events_api', JSON.parse(eventEnvelope(threadReply(card.channel, card.ts, AGENT, '您好,请问有什么可以帮您'))));
    await eventually(async () => expect((await kefu.pushedToBuyer(conversationId)).at(-1)).toBe('您好,请问有什么可以帮您'), 'the reply reaches the buyer');
  });

  it('mounts no HTTP route for Slack', async () => {
    const answer = await fetch(kefu.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(404);
  });
});
