// Stream Mode through the dingtalk-stream SDK against the loopback DingTalk: the gateway hands out
// an endpoint and a one-use ticket, robot messages come as CALLBACK frames and are ACKed with their
// messageId once handled, pings are echoed, a disconnect is followed by a reconnect with a new
// ticket, malformed frames are dropped without harming the connection, a failed handling is not ACKed.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RobotMessage } from '../../../adapters/agent-desk/dingtalk/robot-message.ts';
import { StreamReceiver } from '../../../adapters/agent-desk/dingtalk/stream-receiver.ts';
import { silentLogger } from '../../../dialogs/ports.ts';
import { FakeDingtalk } from '../../support/fake-dingtalk.ts';

function robotMessage(text: string, msgId: string): Record<string, unknown> {
  return {
    conversationId: 'cidGroup==', conversationType: '2', chatbotUserId: '$:LWCP_v1:$bot', msgId, senderNick: 'Li Na',
    isAdmin: false, senderStaffId: 'staff-7', sessionWebhookExpiredTime: Date.now() + 5_400_000, createAt: Date.now(),
    senderId: '$:LWCP_v1:$agent', sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=s', robotCode: 'dingrobot',
    isInAtList: true, text: { content: ` ${text}` }, msgtype: 'text',
  };
}

describe('DingTalk Stream receiver', () => {
  let fake: FakeDingtalk;
  let receiver: StreamReceiver | null = null;
  const received: RobotMessage[] = [];
  let failNext = 0;

  beforeAll(async () => {
    fake = await FakeDingtalk.start({ appKey: 'dingappkey', appSecret: 'app-secret', robotCode: 'dingrobot', groups: [] });
  });
  afterEach(() => {
    receiver?.disconnect();
    receiver = null;
  });
  afterAll(() => fake.close());

  async function connect(clientSecret = 'app-secret'): Promise<StreamReceiver> {
    receiver = new StreamReceiver({
      clientId: 'dingappkey', clientSecret, apiBase: fake.url, logger: silentLogger, reconnectMs: 20, openTimeoutMs: 300,
      async onRobotMessage(message) {
        if (failNext > 0) {
          failNext--;
          throw new Error('store unavailable');
        }
        received.push(message);
      },
    });
    await receiver.connect();
    return receiver;
  }

  it('opens the connection with a gateway ticket and ACKs a robot message with its messageId', async () => {
    await connect();
    await fake.until('the Stream connection', () => fake.streamOpen);
    const opened = fake.calls.filter((c) => c.path === '/v1.0/gateway/connections/open').at(-1);
    expect(opened?.body).toMatchObject({ clientId: 'dingappkey', clientSecret: 'app-secret' });
    expect(opened?.body.subscriptions).toContainEqual({ type: 'CALLBACK', topic: '/v1.0/im/bot/messages/get' });

    const messageId = fake.pushRobotMessage(robotMessage('#A7 hello', 'msgA'));
    await fake.until('the ACK', () => fake.acks.some((a) => a.messageId === messageId));
    expect(received.at(-1)).toMatchObject({ msgId: 'msgA', text: ' #A7 hello', conversationId: 'cidGroup==', senderNick: 'Li Na', senderStaffId: 'staff-7' });
    expect(fake.acks.find((a) => a.messageId === messageId)).toMatchObject({ code: 200, headers: { messageId } });
  });

  it('echoes pings and survives malformed frames', async () => {
    await connect();
    await fake.until('the Stream connection', () => fake.streamOpen);
    for (const junk of ['not json', '{"type":"CALLBACK"}', 'null', '[]', '{"type":"CALLBACK","headers":{"topic":"/v1.0/im/bot/messages/get","messageId":"m"},"data":{"x":1}}']) {
      fake.sendRaw(junk);
    }
    // A CALLBACK frame whose data is not a robot message: ACKed (it will never read better) and not handled.
    const unreadable = fake.pushRobotMessage('{"msgId": 5}');
    await fake.until('the ACK of the unreadable message', () => fake.acks.some((a) => a.messageId === unreadable));
    const opaque = fake.ping();
    await fake.until('the pong', () => fake.pongs.includes(opaque));
    const before = received.length;
    const messageId = fake.pushRobotMessage(robotMessage('still here', 'msgB'));
    await fake.until('the ACK', () => fake.acks.some((a) => a.messageId === messageId));
    expect(received.slice(before).map((m) => m.msgId)).toEqual(['msgB']);
  });

  it('does not ACK a message whose handling failed, so DingTalk delivers it again', async () => {
    await connect();
    await fake.until('the Stream connection', () => fake.streamOpen);
    failNext = 1;
    const first = fake.pushRobotMessage(robotMessage('retry me', 'msgC'), 'frame-C');
    const marker = fake.pushRobotMessage(robotMessage('marker', 'msgD'));
    await fake.until('the marker ACK', () => fake.acks.some((a) => a.messageId === marker));
    expect(fake.acks.some((a) => a.messageId === first)).toBe(false);
    fake.pushRobotMessage(robotMessage('retry me', 'msgC'), 'frame-C'); // DingTalk's redelivery
    await fake.until('the redelivery ACK', () => fake.acks.some((a) => a.messageId === first));
    expect(received.filter((m) => m.msgId === 'msgC')).toHaveLength(1);
  });

  it('reconnects with a new ticket after DingTalk disconnects it, and only once', async () => {
    await connect();
    await fake.until('the Stream connection', () => fake.streamOpen);
    const connections = fake.connectionCount;
    const tickets = fake.calls.filter((c) => c.path === '/v1.0/gateway/connections/open').length;
    fake.disconnect();
    await fake.until('the reconnect', () => fake.connectionCount === connections + 1 && fake.streamOpen);
    const messageId = fake.pushRobotMessage(robotMessage('after reconnect', 'msgE'));
    await fake.until('the ACK', () => fake.acks.some((a) => a.messageId === messageId));
    expect(fake.calls.filter((c) => c.path === '/v1.0/gateway/connections/open').length).toBe(tickets + 1);
    expect(fake.connectionCount).toBe(connections + 1);
  });

  it('keeps retrying while the gateway refuses, and connects once it answers', async () => {
    fake.failNext('/v1.0/gateway/connections/open', 500, { code: 'SystemError', message: 'busy' }, 2);
    const connections = fake.connectionCount;
    await connect();
    await fake.until('the connection after two refusals', () => fake.connectionCount === connections + 1 && fake.streamOpen);
  });

  it('drops a handshake that hangs and connects on the next attempt', async () => {
    fake.hangUpgrades = 1;
    const connections = fake.connectionCount;
    await connect();
    await fake.until('the connection after a hung handshake', () => fake.connectionCount === connections + 1 && fake.streamOpen);
    expect(fake.hangUpgrades).toBe(0);
  });

  it('never connects with a wrong secret, and stops trying once disconnected', async () => {
    const connections = fake.connectionCount;
    const r = await connect('wrong-secret');
    const attempts = (): number => fake.calls.filter((c) => c.path === '/v1.0/gateway/connections/open' && c.body?.clientSecret === 'wrong-secret').length;
    await fake.until('a few refused attempts', () => attempts() >= 3);
    r.disconnect();
    const after = attempts();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(attempts()).toBeLessThanOrEqual(after + 1);
    expect(fake.connectionCount).toBe(connections);
  });
});
