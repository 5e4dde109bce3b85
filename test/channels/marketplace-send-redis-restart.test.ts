// Redis killed while a reply is at Lazada's door, and back a moment later with its data (an
// append-only file, as production runs it): the send call succeeds, but Kefu cannot record it.
// The inbox keeps the buyer's message and tries it again once Redis is back; the retry must not
// send that message again (it was marked pending before the call, and its outcome is unknown to
// Kefu), and must send the rest. The measurement found 3 of 250 Lazada replies sent twice
// this way when the record came only after the send. The answer to "推荐一件卫衣" is four Lazada
// messages; Redis goes away while the second is out.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { eventually, settle } from '../support/fake-marketplace.ts';
import { startFakeLazada, type FakeLazada } from '../support/fake-lazada.ts';
import { lazadaKit } from '../support/marketplace-kits.ts';
import { usePrivateRedis } from '../support/redis-fixtures.ts';
import { startTestKefu } from '../support/start-kefu.ts';

describe('Redis restarted while a Lazada reply is being sent', () => {
  const redis = usePrivateRedis({ keepData: true });
  let fake: FakeLazada;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await startFakeLazada();
    server = await startTestKefu({ redisUrl: redis.server.url, env: lazadaKit.env(fake.url) });
  });

  afterAll(async () => {
    fake.hold = null;
    await server?.close();
    await fake?.close();
  });

  const sendCallsTo = (conversation: string): number =>
    fake.requests.filter((request) => request.path === '/im/message/send' && new URLSearchParams(request.body).get('session_id') === conversation).length;

  it('sends every platform message of the answer once', { timeout: 60_000 }, async () => {
    const conversation = lazadaKit.newConversation();
    let releaseFirst!: () => void;
    let releaseSecond!: () => void;
    fake.hold = new Promise<void>((resolve) => (releaseFirst = resolve));
    const raw = lazadaKit.buyerText(conversation, '推荐一件卫衣');
    expect((await fetch(server.url + lazadaKit.pushPath, { method: 'POST', headers: lazadaKit.headers(raw), body: raw })).status).toBe(200);

    await eventually(() => (sendCallsTo(conversation) === 1 ? true : undefined), 'the first send call');
    fake.hold = new Promise<void>((resolve) => (releaseSecond = resolve));
    releaseFirst();
    await eventually(() => (sendCallsTo(conversation) === 2 ? true : undefined), 'the second send call');
    await redis.server.stop();
    fake.hold = null;
    releaseSecond();
    // Lazada took the second message; Kefu could not write that down. Redis comes back.
    await eventually(() => (fake.sent().filter((message) => message.session_id === conversation).length === 2 ? true : undefined), 'Lazada to carry out the second call');
    await redis.server.start();

    const sent = await eventually(() => {
      const mine = fake.sent().filter((message) => message.session_id === conversation);
      return mine.length >= 4 ? mine : undefined;
    }, 'the rest of the answer once Redis is back', 30_000);
    await settle(1000);
    expect(fake.sent().filter((message) => message.session_id === conversation)).toEqual(sent);
    expect(sent.map((message) => message.template_id)).toEqual(['1', '1', '10006', '1']);
    expect(sent[3]?.txt).toMatch(/^想要便宜点的/);
  });
});
