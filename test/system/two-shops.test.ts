// Two shops in one process on the shared Redis (docs/shops.md), from a copy of examples/two-shops/:
// the same conversation id, buyer and words in both shops share nothing (sessions, hand-offs,
// insight, the trainer's unanswered messages, Redis keys); a web chat message reaches the shop its
// body or its path names, and nothing else; a shop added, changed or removed while Kefu runs is
// served, restarted or closed without touching the other; a broken shop is left out with a reason.

import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShops, type ShopsHost } from '../../compose/shops.ts';
import { loadConfig } from '../../config/load-config.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { PROJECT_ROOT } from '../../server.ts';
import { signedBuyer } from '../support/buyer-tokens.ts';
import { useSharedRedis } from '../support/redis-fixtures.ts';
import { sharedRedisUrl } from '../support/redis-server.ts';

const redis = useSharedRedis('two-shops');
const TEA_TOKEN = 'tea-admin-token-0123456789abcdefghijklmnop';
const SHOES_TOKEN = 'shoes-admin-token-0123456789abcdefghijklmn';
const SECRETS = { tea: 'tea-identity-secret-0123456789abcdefghij', shoes: 'shoes-identity-secret-0123456789abcdefgh' };
/** A buyer signed in on one shop's site, as that shop's site signs them. */
const signedAt = (shop: 'tea' | 'shoes', buyerId: string): Promise<string> => signedBuyer(buyerId, { secret: SECRETS[shop], audience: shop });
let shopsDir: string;
let host: ShopsHost;

async function say(url: string, body: Record<string, unknown>): Promise<{ status: number; text: string; json: { replies?: { text: string }[]; error?: string } }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  let json = {};
  try {
    json = JSON.parse(text) as object;
  } catch {
    // not JSON: left empty
  }
  return { status: response.status, text, json };
}

const said = (answer: { json: { replies?: { text: string }[] } }): string => (answer.json.replies ?? []).map((reply) => reply.text).join(' | ');

beforeAll(async () => {
  shopsDir = mkdtempSync(path.join(tmpdir(), 'kefu-shops-'));
  cpSync(path.join(PROJECT_ROOT, 'examples/two-shops/shops'), shopsDir, { recursive: true });
  // Each shop's own admin token and web chat identity secret, from variables of its own.
  for (const shop of ['tea', 'shoes']) {
    const name = shop.toUpperCase();
    appendFileSync(path.join(shopsDir, shop, 'kefu.yaml'), `\nadmin:\n  token: \${env:${name}_ADMIN_TOKEN}\nwebchat:\n  identity:\n    secret: \${env:${name}_IDENTITY_SECRET}\n    audience: ${shop}\n`);
  }
  const deploymentFile = path.join(PROJECT_ROOT, 'examples/two-shops/kefu.yaml');
  const env = { REDIS_URL: sharedRedisUrl, HOST: '127.0.0.1', PORT: '0', KEFU_SHOPS_DIR: shopsDir, TEA_ADMIN_TOKEN: TEA_TOKEN, SHOES_ADMIN_TOKEN: SHOES_TOKEN, TEA_IDENTITY_SECRET: SECRETS.tea, SHOES_IDENTITY_SECRET: SECRETS.shoes };
  const { config } = loadConfig({ file: deploymentFile, env });
  config.sessions.keyPrefix = redis.prefix;
  host = await startShops({ config, logger: silentLogger, configFile: deploymentFile, env });
}, 60_000);

afterAll(async () => {
  await host?.close();
  rmSync(shopsDir, { recursive: true, force: true });
});

describe('two shops in one Kefu', () => {
  it('opens both shops from the folder, the tea shop at the root', () => {
    expect([...host.shops().keys()].sort()).toEqual(['shoes', 'tea']);
  });

  it('answers each shop from its own flows, for the same conversation id', async () => {
    const tea = await say(`${host.url}/webchat/messages`, { conversationId: 'same-1', text: '这个茶咋泡 水要多少度' });
    expect(said(tea)).toContain('80-85');
    const shoes = await say(`${host.url}/webchat/messages`, { shop: 'shoes', conversationId: 'same-1', text: '我170 穿多大码' });
    expect(shoes.status).toBe(200);
    expect(said(shoes)).not.toContain('80-85');
    // The clothing shop asks for the weight; the tea shop never heard of a size question.
    const teaWeight = await say(`${host.url}/shops/tea/webchat/messages`, { conversationId: 'same-1', text: '60公斤' });
    expect(said(teaWeight)).not.toMatch(/[SML]码|[SML]號|size [SML]/);
    const shoesWeight = await say(`${host.url}/shops/shoes/webchat/messages`, { conversationId: 'same-1', text: '60公斤' });
    expect(said(shoesWeight)).toMatch(/[SMLX]+号/);
  });

  it('keeps every Redis key under the shop it belongs to', async () => {
    const keys = await redis.client.keys(`${redis.prefix}*`);
    const shopOf = (key: string): string | null => /^shop:([a-z0-9-]+):/.exec(key.slice(redis.prefix.length))?.[1] ?? null;
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((key) => shopOf(key) === null)).toEqual([]);
    expect(new Set(keys.map(shopOf))).toEqual(new Set(['tea', 'shoes']));
  });

  it('opens a hand-off in the shop the buyer asked in, and only there', async () => {
    const asked = await say(`${host.url}/webchat/messages`, { shop: 'tea', conversationId: 'same-2', text: '转人工 快点' });
    expect(asked.status).toBe(200);
    const tea = host.shops().get('tea')!.kefu;
    const shoes = host.shops().get('shoes')!.kefu;
    expect((await tea.handoffs.open.list()).map((entry) => entry.conversation.conversationId)).toContain('same-2');
    expect((await shoes.handoffs.open.list()).map((entry) => entry.conversation.conversationId)).not.toContain('same-2');
  });

  it("keeps each shop's insight and unanswered messages apart", async () => {
    await say(`${host.url}/webchat/messages`, { shop: 'tea', conversationId: 'same-3', text: '你们家猫粮是进口的吗' });
    const tea = host.shops().get('tea')!.kefu;
    const shoes = host.shops().get('shoes')!.kefu;
    await tea.insight.recorder.flush();
    await shoes.insight.recorder.flush();
    const teaUnanswered = (await tea.insight.store.listMisunderstood()).map((message) => message.text);
    const shoesUnanswered = (await shoes.insight.store.listMisunderstood()).map((message) => message.text);
    expect(teaUnanswered).toContain('你们家猫粮是进口的吗');
    expect(shoesUnanswered).not.toContain('你们家猫粮是进口的吗');
  });

  it("takes a buyer only as the shop that signed them, and keeps each shop's orders apart", async () => {
    const buyer = { channel: 'webchat', buyerId: 'same-buyer-1' };
    // Signed by the tea shop's site: refused by the clothing shop, whichever way the message comes in.
    const teaToken = await signedAt('tea', buyer.buyerId);
    expect((await say(`${host.url}/webchat/messages`, { shop: 'shoes', conversationId: 'orders-1', identityToken: teaToken, text: '我的订单' })).status).toBe(401);
    expect((await say(`${host.url}/shops/shoes/webchat/messages`, { conversationId: 'orders-1', identityToken: teaToken, text: '我的订单' })).status).toBe(401);
    // The same buyer id in both shops: the clothing shop's buyer cancels an order; the tea shop's
    // order with the same id is not touched.
    const shoes = host.shops().get('shoes')!.kefu;
    const tea = host.shops().get('tea')!.kefu;
    const paid = (await shoes.orders.listOrders(buyer)).find((order) => order.status === 'paid')!;
    expect(paid).toBeDefined();
    expect((await tea.orders.getOrder(buyer, paid.id))?.status).toBe('paid');
    const shoesToken = await signedAt('shoes', buyer.buyerId);
    const asked = await say(`${host.url}/webchat/messages`, { shop: 'shoes', conversationId: 'orders-1', identityToken: shoesToken, text: `帮我把${paid.id}取消了` });
    expect(asked.status).toBe(200);
    const confirmed = await say(`${host.url}/webchat/messages`, { shop: 'shoes', conversationId: 'orders-1', identityToken: shoesToken, text: '确定取消' });
    expect(said(confirmed)).toContain(paid.id);
    expect((await shoes.orders.getOrder(buyer, paid.id))?.status).toBe('cancelled');
    expect((await tea.orders.getOrder(buyer, paid.id))?.status).toBe('paid');
  });

  it("opens each shop's admin with that shop's token only", async () => {
    const metrics = (shop: string, token: string) => fetch(`${host.url}/shops/${shop}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect((await metrics('tea', TEA_TOKEN)).status).toBe(200);
    expect((await metrics('shoes', SHOES_TOKEN)).status).toBe(200);
    expect((await metrics('tea', SHOES_TOKEN)).status).toBe(401);
    expect((await metrics('shoes', TEA_TOKEN)).status).toBe(401);
    // Signed in at one shop's dashboard, the cookie is that shop's folder's alone.
    const login = await fetch(`${host.url}/shops/tea/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: host.url }, body: JSON.stringify({ token: TEA_TOKEN }) });
    expect(login.status).toBeLessThan(400);
    expect(login.headers.get('set-cookie')).not.toMatch(/Path=/i);
  });

  it('refuses a shop that is not there, by body, query or path, and an oversized body', async () => {
    for (const shop of ['nope', '../tea', '__proto__', 'TEA', '', 7]) {
      const answer = await say(`${host.url}/webchat/messages`, { shop, conversationId: 'x-1', text: 'hi' });
      expect(answer.status, String(shop)).toBe(404);
    }
    expect((await fetch(`${host.url}/shops/nope/healthz`)).status).toBe(404);
    expect((await fetch(`${host.url}/shops/..%2Ftea/healthz`)).status).toBe(404);
    expect((await fetch(`${host.url}/webchat/events?shop=nope&conversationId=x-1`)).status).toBe(404);
    // A body naming one shop sent to another shop's path is not that shop's to answer.
    expect((await say(`${host.url}/shops/shoes/webchat/messages`, { shop: 'tea', conversationId: 'x-1', text: 'hi' })).status).toBe(404);
    const big = await fetch(`${host.url}/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId: 'x-2', text: '好'.repeat(40_000) }) });
    expect(big.status).toBe(413);
    // Not JSON at the root: the default shop answers as it would alone.
    const garbled = await fetch(`${host.url}/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"shop": ' });
    expect(garbled.status).toBe(400);
    const redirected = await fetch(`${host.url}/shops/tea`, { redirect: 'manual' });
    expect(redirected.status).toBe(301);
    expect(redirected.headers.get('location')).toBe('/shops/tea/');
  });

  it('opens a shop added while it runs, restarts one whose file changed, and closes one removed, without touching the others', async () => {
    cpSync(path.join(shopsDir, 'tea'), path.join(shopsDir, 'green-tea'), { recursive: true });
    mkdirSync(path.join(shopsDir, 'broken'));
    writeFileSync(path.join(shopsDir, 'broken', 'kefu.yaml'), 'shop: [');
    await host.rescan();
    expect([...host.shops().keys()].sort()).toEqual(['green-tea', 'shoes', 'tea']);
    const added = await say(`${host.url}/webchat/messages`, { shop: 'green-tea', conversationId: 'new-1', text: '保质期多久啊' });
    expect(said(added)).toContain('18');
    const teaBefore = host.shops().get('tea')!.kefu;
    writeFileSync(path.join(shopsDir, 'green-tea', 'kefu.yaml'), 'shop:\n  name: { zh-Hans: 绿茶铺, zh-Hant: 綠茶鋪, en: Green Tea }\nflows:\n  dir: examples/two-shops/shops/tea/flows\nreminders:\n  enabled: false\n');
    const greenBefore = host.shops().get('green-tea')!.kefu;
    await host.rescan();
    expect(host.shops().get('green-tea')!.kefu).not.toBe(greenBefore);
    expect(host.shops().get('tea')!.kefu).toBe(teaBefore);
    rmSync(path.join(shopsDir, 'green-tea'), { recursive: true });
    await host.rescan();
    expect((await say(`${host.url}/webchat/messages`, { shop: 'green-tea', conversationId: 'new-1', text: '保质期' })).status).toBe(404);
    expect(host.shops().get('tea')!.kefu).toBe(teaBefore);
  });
});
