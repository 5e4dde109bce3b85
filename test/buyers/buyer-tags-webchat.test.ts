// Buyer tags end to end on a real server (loopback HTTP, memory stores): a signed buyer who keeps
// asking about prices, in words of their own and across two conversations, comes to hold
// price_sensitive; the price flow then points them to the vouchers; the hand-off card shows the tag;
// the admin API counts, lists and forgets it, behind the admin token only. (The demo's night_shopper
// rule may tag these buyers too, depending on the hour the test runs: only price_sensitive is asserted.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server.ts';
import { loadConfig } from '../../config/load-config.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { identityEnv, signedBuyer } from '../support/buyer-tokens.ts';

const ADMIN = 'buyer-tags-admin-token-0123456789abcdef';
let server: RunningServer;

async function say(conversationId: string, text: string, identityToken: string): Promise<string> {
  const response = await fetch(`${server.url}/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId, text, identityToken }) });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { replies: { text: string }[] };
  return body.replies.map((reply) => reply.text).join(' | ');
}

const admin = (path: string, init: RequestInit = {}, token = ADMIN) => fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
const tagsOf = async (buyerId: string) => ((await (await admin(`/admin/api/buyers/tags?channel=webchat&buyerId=${buyerId}`)).json()) as { tags: { name: string }[] }).tags.map((tag) => tag.name);

beforeAll(async () => {
  const { config } = loadConfig({ env: { ...identityEnv, PORT: '0', HOST: '127.0.0.1', KEFU__FLOWS__WATCH: 'false', KEFU__ADMIN__TOKEN: ADMIN } });
  server = await startServer(config, silentLogger);
});

afterAll(async () => {
  await server?.close();
});

describe('buyer tags in the web chat', () => {
  it('tags a buyer who keeps asking about prices, tells them about vouchers, and shows the tag on the hand-off card', async () => {
    const token = await signedBuyer('tag-buyer-1');
    const first = await say('tags-a', '这件卫衣多少钱啊', token);
    expect(first).not.toContain('领券');
    await say('tags-a', '有没有优惠 能便宜点不', token);
    await expect.poll(() => tagsOf('tag-buyer-1')).toContain('price_sensitive');
    // Another conversation of the same buyer, another wording: the tag follows the buyer.
    expect(await say('tags-b', '现在买有啥活动吗', token)).toContain('领券');
    await say('tags-b', '转人工', token);
    const card = server.kefu.agentQueue.waiting().find((handoff) => handoff.request.conversation.conversationId === 'tags-b')?.card;
    expect(card?.buyerTags?.map((tag) => tag.name)).toContain('price_sensitive');
  });

  it('answers in the buyer\'s script with the same tag (Traditional and English)', async () => {
    const token = await signedBuyer('tag-buyer-2');
    await say('tags-c', 'how much is the hoodie', token);
    await say('tags-c', 'any discount?', token);
    await expect.poll(() => tagsOf('tag-buyer-2')).toContain('price_sensitive');
    expect(await say('tags-c', 'got any coupons', token)).toContain('voucher');
    const zhHant = await signedBuyer('tag-buyer-3');
    await say('tags-d', '這件多少錢', zhHant);
    await say('tags-d', '有優惠嗎', zhHant);
    await expect.poll(() => tagsOf('tag-buyer-3')).toContain('price_sensitive');
    expect(await say('tags-d', '能便宜點嗎', zhHant)).toContain('領券');
  });

  it('counts, lists and forgets tags through the admin API, with the admin token only', async () => {
    // Tags gained are counted with insight's next batch of counters (within a second).
    await server.kefu.insight.recorder.flush();
    const counts = (await (await admin('/admin/api/buyer-tags')).json()) as { tags: { name: string; taggedLast24h: number; taggedLast7d: number }[] };
    expect(counts.tags.find((tag) => tag.name === 'price_sensitive')).toMatchObject({ taggedLast24h: 3, taggedLast7d: 3 });
    expect(counts.tags.map((tag) => tag.name)).toEqual(['price_sensitive', 'size_sensitive', 'after_sale_risk', 'night_shopper', 'repeat_buyer']);
    expect((await admin('/admin/api/buyers/tags?channel=webchat&buyerId=tag-buyer-1', { method: 'DELETE' }, 'wrong-token-0123456789abcdef')).status).toBe(401);
    expect((await fetch(`${server.url}/admin/api/buyers/tags?channel=webchat&buyerId=tag-buyer-1`)).status).toBe(401);
    for (const query of ['channel=webchat', 'buyerId=x', 'channel=web%20chat&buyerId=x', `channel=webchat&buyerId=${'x'.repeat(200)}`]) {
      expect((await admin(`/admin/api/buyers/tags?${query}`)).status, query).toBe(400);
    }
    expect((await admin('/admin/api/buyers/tags?channel=webchat&buyerId=tag-buyer-1', { method: 'DELETE' })).status).toBe(204);
    expect(await tagsOf('tag-buyer-1')).toEqual([]);
    // Forgotten: the next price question is answered without the voucher tip.
    expect(await say('tags-e', '多少钱', await signedBuyer('tag-buyer-1'))).not.toContain('领券');
  });
});
