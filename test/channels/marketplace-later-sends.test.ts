// Replies sent later on a marketplace (an agent's answer, a reminder) under a delivery id: the
// desk event's or the reminder's. A retry of the same event, after a crash between the send and
// the event's record, must not reach the buyer twice; another event's reply is sent as usual.
// A real Kefu with the Lazada channel on, in memory and on Redis, against the loopback fake Lazada.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { startFakeLazada, type FakeLazada } from '../support/fake-lazada.ts';
import { lazadaKit } from '../support/marketplace-kits.ts';
import { sharedRedisUrl } from '../support/redis-server.ts';
import { startTestKefu } from '../support/start-kefu.ts';

describe.each([
  { storage: 'memory', redis: false },
  { storage: 'redis', redis: true },
])('a later reply on Lazada, with the channel state in $storage', ({ redis }) => {
  let fake: FakeLazada;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await startFakeLazada();
    server = await startTestKefu({ ...(redis ? { redisUrl: sharedRedisUrl } : {}), env: lazadaKit.env(fake.url) });
  });

  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('is sent once per delivery id, however often it is retried', async () => {
    const conversation = lazadaKit.newConversation();
    const reply = [{ text: 'Try this one', card: { title: 'Hoodie', productId: '3001' } }];
    const send = (deliveryId: string): Promise<void> => server.kefu.conversations.sendToBuyer(lazadaKit.ref(conversation), reply, 'agent', Date.now(), deliveryId);
    await send('desk:slack:Ev1');
    await send('desk:slack:Ev1');
    await send('desk:slack:Ev2');
    const sent = fake.sent().filter((message) => message.session_id === conversation);
    expect(sent.map((message) => message.txt ?? message.item_id)).toEqual(['Try this one', '3001', 'Try this one', '3001']);
  });
});
