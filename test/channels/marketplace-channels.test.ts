// Lazada, TikTok Shop and Shopee end to end, one suite for the three: a real Kefu on a free port
// with the channel on, pushed to exactly as the platform pushes (signed JSON over HTTP), answering
// through a loopback fake of the platform's API that checks every call's signature. In memory and
// on the real Redis; a Redis outage on a private Redis. Platform-specific details (signature
// vectors, renderers, Shopee's lost pushes) are in lazada.test.ts, tiktok.test.ts, shopee.test.ts.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { RunningServer } from '../../server.ts';
import { eventually, settle, type FakeServer } from '../support/fake-marketplace.ts';
import { marketplaceKits, sentKey, type MarketplaceKit, type SentItem } from '../support/marketplace-kits.ts';
import { usePrivateRedis } from '../support/redis-fixtures.ts';
import { deleteKeysByPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { startTestKefu } from '../support/start-kefu.ts';

const SEED_QUESTION = '身高170体重60穿什么码';
const SEED_ANSWER = '根据尺寸,您适合M号哦';

interface Platform {
  fake: FakeServer;
  sent(): SentItem[];
}

/** What the platform got back: every push answer has an empty body, the outcome is in kefu-push. */
async function push(server: RunningServer, kit: MarketplaceKit, raw: string, headers: Record<string, string> = kit.headers(raw)): Promise<{ status: number; body: string; outcome: string | null }> {
  const response = await fetch(server.url + kit.pushPath, { method: 'POST', headers, body: raw });
  return { status: response.status, body: await response.text(), outcome: response.headers.get('kefu-push') };
}

function sentTo(platform: Platform, kit: MarketplaceKit, conversation: string): SentItem[] {
  return platform.sent().filter((item) => item.conversationId === sentKey(kit, conversation));
}

function textsTo(platform: Platform, kit: MarketplaceKit, conversation: string): string[] {
  return sentTo(platform, kit, conversation).filter((item) => item.kind === 'text').map((item) => item.value);
}

function nthText(platform: Platform, kit: MarketplaceKit, conversation: string, n: number): Promise<string> {
  return eventually(() => textsTo(platform, kit, conversation)[n - 1], `${kit.name} reply ${n} in ${conversation}`);
}

const backends = [
  { storage: 'memory', redis: false },
  { storage: 'redis', redis: true },
] as const;

describe.each(marketplaceKits)('$name channel', (kit) => {
  describe.each(backends)('sessions in $storage', ({ redis }) => {
    let platform: Platform;
    let server: RunningServer;
    const prefix = uniquePrefix(kit.name);

    beforeAll(async () => {
      platform = await kit.start();
      server = await startTestKefu({ ...(redis ? { redisUrl: sharedRedisUrl } : {}), env: { ...kit.env(platform.fake.url), ...(redis ? { KEFU__SESSIONS__KEYPREFIX: prefix } : {}) } });
    });

    afterAll(async () => {
      await server?.close();
      await platform?.fake.close();
      if (redis) {
        const client = new Redis(sharedRedisUrl);
        await deleteKeysByPrefix(client, prefix);
        client.disconnect();
      }
    });

    afterEach(() => {
      platform.fake.script.length = 0;
    });

    it('answers a signed buyer push through a signed send call: push → core → platform', async () => {
      const conversation = kit.newConversation();
      expect(await push(server, kit, kit.buyerText(conversation, SEED_QUESTION))).toEqual({ status: 200, body: '', outcome: 'queued' });
      expect(await nthText(platform, kit, conversation, 1)).toBe(SEED_ANSWER);
    });

    it('turns buttons into numbered options, and reads "1" (or "１") as the first button', async () => {
      const conversation = kit.newConversation();
      await push(server, kit, kit.buyerText(conversation, '你好'));
      expect(await nthText(platform, kit, conversation, 1)).toMatch(/\n1\. 帮我选尺码\n2\. 转人工客服$/);
      await push(server, kit, kit.buyerText(conversation, '１'));
      expect(await nthText(platform, kit, conversation, 2)).toMatch(/身高/);
      // The last reply had no buttons: a "2" now is just text, not the old second button (a person).
      await push(server, kit, kit.buyerText(conversation, '2'));
      expect(await nthText(platform, kit, conversation, 3)).not.toMatch(/转接人工客服/);
    });

    it('passes the product card the buyer wrote from to the core', async () => {
      const fromCard = kit.newConversation();
      expect((await push(server, kit, kit.productCard(fromCard, 'hoodie-fleece'))).status).toBe(200);
      await nthText(platform, kit, fromCard, 1); // the product page's chips
      await push(server, kit, kit.buyerText(fromCard, '身高173体重63穿什么码'));
      // 173 cm / 63 kg: an L on the fleece hoodie's chart, an M on the shop's default chart.
      expect(await nthText(platform, kit, fromCard, 2)).toBe('根据尺寸,您适合L号哦');
      const plain = kit.newConversation();
      await push(server, kit, kit.buyerText(plain, '身高173体重63穿什么码'));
      expect(await nthText(platform, kit, plain, 1)).toBe(SEED_ANSWER);
    });

    it("answers a product card alone with the product page's chips as numbered options, once per card; a number picks one", async () => {
      const conversation = kit.newConversation();
      await push(server, kit, kit.productCard(conversation, 'hoodie-fleece'));
      const chips = await nthText(platform, kit, conversation, 1);
      // The product's own chip first, then the page kind's, in the shop's first language (nobody has written yet).
      expect(chips).toMatch(/^亲,您可能想问\(回复数字就可以\):\n1\. 抓绒卫衣会起球吗\n2\. 尺码怎么选\n3\. 还有货吗/);
      // The same card again (the buyer came back from the same page): no second list.
      await push(server, kit, kit.productCard(conversation, 'hoodie-fleece'));
      await push(server, kit, kit.buyerText(conversation, '２'));
      // "2" is the size chip, asked about the hoodie of the card.
      expect(await nthText(platform, kit, conversation, 2)).toMatch(/身高/);
      await settle();
      expect(textsTo(platform, kit, conversation).filter((text) => text.startsWith('亲,您可能想问'))).toHaveLength(1);
    });

    it('writes the chips in the language the buyer already wrote in', async () => {
      const conversation = kit.newConversation();
      await push(server, kit, kit.buyerText(conversation, 'hi there'));
      await nthText(platform, kit, conversation, 1);
      await push(server, kit, kit.productCard(conversation, 'tee-classic'));
      expect(await nthText(platform, kit, conversation, 2)).toMatch(/^Hi! You may want to ask \(just reply with a number\):\n1\. Which size should I get\?/);
    });

    it('handles a redelivered (replayed) push once: acknowledged again, answered once', async () => {
      const conversation = kit.newConversation();
      const raw = kit.buyerText(conversation, SEED_QUESTION);
      expect((await push(server, kit, raw)).status).toBe(200);
      expect(await push(server, kit, raw)).toEqual({ status: 200, body: '', outcome: 'duplicate' });
      await nthText(platform, kit, conversation, 1);
      await settle();
      expect(textsTo(platform, kit, conversation)).toEqual([SEED_ANSWER]);
    });

    it('refuses wrong, missing, tampered and stale signatures without answering', async () => {
      const conversation = kit.newConversation();
      const raw = kit.buyerText(conversation, '你好');
      const { authorization: _, ...unsigned } = kit.headers(raw);
      expect((await push(server, kit, raw, kit.headers(raw, 'not-the-secret'))).status).toBe(401);
      expect((await push(server, kit, raw, unsigned)).status).toBe(401);
      expect((await push(server, kit, raw, { ...unsigned, authorization: '' })).status).toBe(401);
      expect((await push(server, kit, raw.replace('你好', '您好'), kit.headers(raw))).status).toBe(401);
      // Re-serialised JSON (other spacing) is other bytes: the platform's signature no longer matches.
      expect((await push(server, kit, JSON.stringify(JSON.parse(raw), null, 2), kit.headers(raw))).status).toBe(401);
      const old = kit.buyerText(conversation, '你好', { timestamp: Math.floor(Date.now() / 1000) - 3 * 86_400 });
      expect(await push(server, kit, old)).toEqual({ status: 401, body: '', outcome: 'refused' });
      await settle();
      expect(sentTo(platform, kit, conversation)).toEqual([]);
    });

    it('answers malformed and oversized pushes clearly, and leaves sellers, system messages, other push types and unknown shapes alone', async () => {
      const conversation = kit.newConversation();
      expect(await push(server, kit, '{"code":', kit.headers('{"code":'))).toEqual({ status: 400, body: '', outcome: 'refused' });
      expect((await push(server, kit, '[1,2,3]', kit.headers('[1,2,3]'))).status).toBe(400);
      const big = kit.buyerText(conversation, 'x'.repeat(70_000));
      expect((await push(server, kit, big)).status).toBe(413);
      // A signed push in a shape Kefu does not read: delivering it again would not change it, and a
      // failed push counts against the app's push success rate, so it is acknowledged (and logged once).
      expect(await push(server, kit, '{}', kit.headers('{}'))).toEqual({ status: 200, body: '', outcome: 'unreadable' });
      expect(await push(server, kit, kit.badContent(conversation))).toEqual({ status: 200, body: '', outcome: 'unreadable' });
      // Acknowledged (so the platform does not deliver them again) and never answered:
      for (const raw of [kit.sellerText(conversation, '你好'), kit.systemMessage(conversation), kit.otherPushType()]) {
        expect(await push(server, kit, raw)).toEqual({ status: 200, body: '', outcome: 'ignored' });
      }
      await settle();
      expect(sentTo(platform, kit, conversation)).toEqual([]);
    });

    it('retries when the platform answers 5xx, HTTP 429 and its rate-limit code, and sends the reply once', async () => {
      const conversation = kit.newConversation();
      platform.fake.script.push(...kit.busyAnswers);
      await push(server, kit, kit.buyerText(conversation, SEED_QUESTION));
      expect(await nthText(platform, kit, conversation, 1)).toBe(SEED_ANSWER);
      await settle();
      expect(textsTo(platform, kit, conversation)).toEqual([SEED_ANSWER]);
      expect(platform.fake.script).toEqual([]);
    });

    it('keeps retrying a reply while the platform stays down longer than one round of retries', async () => {
      const conversation = kit.newConversation();
      platform.fake.script.push(...Array.from({ length: 9 }, () => ({ status: 500, body: 'down' })));
      await push(server, kit, kit.buyerText(conversation, SEED_QUESTION));
      expect(await nthText(platform, kit, conversation, 1)).toBe(SEED_ANSWER);
      await settle();
      expect(textsTo(platform, kit, conversation)).toEqual([SEED_ANSWER]);
    });

    it("sends an agent's answer (sendToBuyer) through the platform, with a product card", async () => {
      const conversation = kit.newConversation();
      await server.kefu.conversations.sendToBuyer(kit.ref(conversation), [{ text: 'Try this one', card: { title: 'Hoodie', productId: '3001' } }], 'agent', Date.now());
      expect(sentTo(platform, kit, conversation).map(({ kind, value }) => ({ kind, value }))).toEqual([
        { kind: 'text', value: 'Try this one' },
        { kind: 'product', value: '3001' },
      ]);
    });
  });

  describe('when Redis is briefly away', () => {
    const redis = usePrivateRedis();
    let platform: Platform;
    let server: RunningServer;

    beforeAll(async () => {
      platform = await kit.start();
      server = await startTestKefu({ redisUrl: redis.server.url, env: kit.env(platform.fake.url) });
    });

    afterAll(async () => {
      await server?.close();
      await platform?.fake.close();
    });

    it("answers 503 while the message cannot be queued, and handles the platform's redelivery once Redis is back", async () => {
      const conversation = kit.newConversation();
      const raw = kit.buyerText(conversation, SEED_QUESTION);
      await redis.server.stop();
      expect((await push(server, kit, raw)).status).toBe(503);
      await redis.server.start();
      const accepted = await eventually(async () => {
        const answer = await push(server, kit, raw);
        return answer.status === 200 ? answer : undefined;
      }, 'the push to be accepted once Redis is back');
      expect(accepted).toEqual({ status: 200, body: '', outcome: 'queued' });
      expect(await nthText(platform, kit, conversation, 1)).toBe(SEED_ANSWER);
    });
  });
});
