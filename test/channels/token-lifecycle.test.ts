// Tokens expire (Shopee's after 4 hours, TikTok's after 7 days, Lazada's with the authorisation):
// Kefu keeps them in its store, renews them with each platform's documented refresh call before
// they expire and when the platform refuses one, one process at a time, and shows the merchant on
// /metrics when they end and when a renewal failed. Against the loopback fakes, which issue tokens,
// expire them and accept each refresh token once.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenKeeper } from '../../adapters/channels/shared/token-keeper.ts';
import { MemoryTokenStore, RedisTokenStore } from '../../adapters/channels/shared/token-store.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import type { RunningServer } from '../../server.ts';
import { eventually } from '../support/fake-marketplace.ts';
import { LAZADA_TEST_APP, startFakeLazada, type FakeLazada } from '../support/fake-lazada.ts';
import { lazadaKit, shopeeKit, tiktokKit } from '../support/marketplace-kits.ts';
import { SHOPEE_TEST_APP, startFakeShopee, type FakeShopee } from '../support/fake-shopee.ts';
import { TIKTOK_TEST_APP, startFakeTiktok, type FakeTiktok } from '../support/fake-tiktok.ts';
import { useSharedRedis } from '../support/redis-fixtures.ts';
import { startTestKefu } from '../support/start-kefu.ts';

const ADMIN = `admin-${randomUUID()}`;

async function metricsOf(server: RunningServer): Promise<string> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return response.text();
}

describe('Lazada: an expired access token is renewed with /auth/token/refresh', () => {
  let fake: FakeLazada;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await startFakeLazada();
    server = await startTestKefu({
      env: { ...lazadaKit.env(fake.url), KEFU__CHANNELS__LAZADA__REFRESHTOKEN: LAZADA_TEST_APP.refreshToken, KEFU__CHANNELS__LAZADA__AUTHBASEURL: fake.url, KEFU__ADMIN__TOKEN: ADMIN },
    });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  const ask = async (text: string) => {
    const conversation = lazadaKit.newConversation();
    const raw = lazadaKit.buyerText(conversation, text);
    expect((await fetch(server.url + lazadaKit.pushPath, { method: 'POST', headers: lazadaKit.headers(raw), body: raw })).status).toBe(200);
    return eventually(() => fake.sent().find((m) => m.session_id === conversation), 'the answer');
  };

  it('renews once when Lazada refuses the token, and the reply goes out with the new one', async () => {
    fake.expireAccessTokens();
    fake.accessSeconds = 7 * 86_400;
    await ask('你好');
    expect(fake.refreshes).toEqual([LAZADA_TEST_APP.refreshToken]);
    const sends = fake.requests.filter((r) => r.path === '/im/message/send');
    expect(sends.at(-1)!.query.get('access_token')).toBe('lazada-access-1');
    // The refresh call is signed like every Lazada call, without an access token.
    const refresh = fake.requests.find((r) => r.path === '/auth/token/refresh')!;
    expect(refresh.query.get('access_token')).toBeNull();
    const metrics = await metricsOf(server);
    expect(metrics).toMatch(/kefu_channel_token_expires_seconds\{channel="lazada",token="access"\} \d+/);
    expect(metrics).toMatch(/kefu_channel_token_expires_seconds\{channel="lazada",token="refresh"\} \d+/);
    expect(metrics).toMatch(/kefu_channel_token_refresh_failures_total\{channel="lazada"\} 0/);
  });

  it('renews before expiry: a token about to expire is renewed with the refresh token that came with it, before the send', async () => {
    // The next token issued lasts a minute: well inside the half hour Kefu renews ahead.
    fake.accessSeconds = 60;
    fake.expireAccessTokens();
    await ask('你好');
    expect(fake.refreshes).toEqual([LAZADA_TEST_APP.refreshToken, 'lazada-refresh-1']);
    fake.accessSeconds = 7 * 86_400;
    const refusedBefore = fake.requests.length;
    await ask('你好');
    // Renewed ahead of expiry, with the second refresh token; the send was never refused.
    expect(fake.refreshes).toEqual([LAZADA_TEST_APP.refreshToken, 'lazada-refresh-1', 'lazada-refresh-2']);
    const after = fake.requests.slice(refusedBefore).filter((r) => r.path === '/im/message/send');
    expect(after.map((r) => r.query.get('access_token'))).toEqual(['lazada-access-3']);
  });

  it('a failed renewal is counted on /metrics and the send is set aside as refused, not retried forever', async () => {
    fake.expireAccessTokens();
    fake.revokeRefreshTokens();
    const conversation = lazadaKit.newConversation();
    const raw = lazadaKit.buyerText(conversation, '你好');
    await fetch(server.url + lazadaKit.pushPath, { method: 'POST', headers: lazadaKit.headers(raw), body: raw });
    await eventually(async () => ((await metricsOf(server)).includes('kefu_channel_token_refresh_failures_total{channel="lazada"} 1') ? true : undefined), 'the failure on /metrics');
    expect(fake.sent().find((m) => m.session_id === conversation)).toBeUndefined();
  });
});

describe('Shopee: an expired access token is renewed with /api/v2/auth/access_token/get', () => {
  let fake: FakeShopee;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await startFakeShopee();
    server = await startTestKefu({ env: { ...shopeeKit.env(fake.url), KEFU__CHANNELS__SHOPEE__REFRESHTOKEN: SHOPEE_TEST_APP.refreshToken, KEFU__ADMIN__TOKEN: ADMIN } });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('renews once when Shopee refuses the token (error_auth), and sends with the new one', async () => {
    fake.expireAccessTokens();
    const conversation = shopeeKit.newConversation();
    const raw = shopeeKit.buyerText(conversation, '你好');
    await fetch(server.url + shopeeKit.pushPath, { method: 'POST', headers: shopeeKit.headers(raw), body: raw });
    const toId = Number(shopeeKit.ref(conversation).buyerId);
    await eventually(() => fake.sent().find((m) => m.toId === toId), 'the answer');
    expect(fake.refreshes).toEqual([SHOPEE_TEST_APP.refreshToken]);
    const sends = fake.requests.filter((r) => r.path === '/api/v2/sellerchat/send_message');
    expect(sends.at(-1)!.query.get('access_token')).toBe('shopee-access-1');
    // Four hours (expire_in 14400) from now: on /metrics.
    expect(await metricsOf(server)).toMatch(/kefu_channel_token_expires_seconds\{channel="shopee",token="access"\} 14\d{3}/);
  });
});

describe('TikTok Shop: an expired access token is renewed with /api/v2/token/refresh', () => {
  let fake: FakeTiktok;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await startFakeTiktok();
    server = await startTestKefu({ env: { ...tiktokKit.env(fake.url), KEFU__CHANNELS__TIKTOK__REFRESHTOKEN: TIKTOK_TEST_APP.refreshToken, KEFU__CHANNELS__TIKTOK__AUTHBASEURL: fake.url } });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('renews once when TikTok refuses the token, and sends with the new one', async () => {
    fake.expireAccessTokens();
    const conversation = tiktokKit.newConversation();
    const raw = tiktokKit.buyerText(conversation, '你好');
    await fetch(server.url + tiktokKit.pushPath, { method: 'POST', headers: tiktokKit.headers(raw), body: raw });
    await eventually(() => fake.sent().find((m) => m.conversationId === conversation), 'the answer');
    expect(fake.refreshes).toEqual([TIKTOK_TEST_APP.refreshToken]);
    const sends = fake.requests.filter((r) => r.path.endsWith('/messages'));
    expect(sends.at(-1)!.headers['x-tts-access-token']).toBe('TTP_access_1');
  });
});

describe('one renewal at a time across processes (Redis)', () => {
  const redis = useSharedRedis('tokens');

  it('two keepers sharing a store renew a refused token once; the other takes the renewed one', async () => {
    let calls = 0;
    const refresh = async (refreshToken: string) => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { accessToken: `access-after-${refreshToken}`, refreshToken: `${refreshToken}+1`, accessExpiresAt: Date.now() + 3_600_000 };
    };
    const keeper = () => new TokenKeeper({ channel: 'shopee', store: new RedisTokenStore(redis.client, redis.prefix, 'shopee'), refresh, seed: { accessToken: 'a0', refreshToken: 'r0' }, clock: { now: () => Date.now() }, logger: silentLogger });
    const [one, two] = [keeper(), keeper()];
    expect(await one.current()).toBe('a0');
    const renewed = await Promise.all([one.renewAfterRefusal('a0'), two.renewAfterRefusal('a0')]);
    expect(renewed).toEqual(['access-after-r0', 'access-after-r0']);
    expect(calls).toBe(1);
    expect(await two.current()).toBe('access-after-r0');
  });

  it('new tokens in the configuration replace the renewed ones (the seller authorised the app again)', async () => {
    const store = new MemoryTokenStore();
    const refresh = async () => ({ accessToken: 'renewed', refreshToken: 'r1' });
    const first = new TokenKeeper({ channel: 'lazada', store, refresh, seed: { accessToken: 'a0', refreshToken: 'r0' }, clock: { now: () => Date.now() }, logger: silentLogger });
    expect(await first.renewAfterRefusal('a0')).toBe('renewed');
    // Restarted with the same configuration: the renewed token stays.
    expect(await new TokenKeeper({ channel: 'lazada', store, refresh, seed: { accessToken: 'a0', refreshToken: 'r0' }, clock: { now: () => Date.now() }, logger: silentLogger }).current()).toBe('renewed');
    // Restarted with new tokens: they win.
    expect(await new TokenKeeper({ channel: 'lazada', store, refresh, seed: { accessToken: 'fresh', refreshToken: 'r9' }, clock: { now: () => Date.now() }, logger: silentLogger }).current()).toBe('fresh');
  });
});
