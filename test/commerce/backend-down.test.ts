// End to end: Kefu configured with `commerce.kind: http` against a merchant API on loopback. While the
// API serves, buyers get answers from it; when it is down (503), throttling (429), hanging, or gone
// altogether, every buyer gets a kind "our system is busy" reply in their own language with a way to
// a person — never an error, a stack trace or silence — and answers resume when the API is back.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';
import { merchantApiEnv, startMerchantCatalogApi, type MerchantCatalogApi } from '../support/merchant-catalog-api.ts';

let api: MerchantCatalogApi;
let server: RunningServer;
let apiClosed = false;

beforeAll(async () => {
  api = await startMerchantCatalogApi();
  server = await startTestKefu({ env: merchantApiEnv(api, { timeoutMs: 400, retries: 1, cacheSeconds: 0 }) });
});
afterAll(async () => {
  await server?.close();
  if (!apiClosed) await api?.close();
});

let counter = 0;
async function ask(text: string, productId?: string): Promise<{ status: number; texts: string; buttons: string[] }> {
  counter += 1;
  const answer = await postMessage(server.url, { conversationId: `down-${counter}-${Date.now()}`, text, ...(productId ? { productId } : {}) });
  const replies = (answer.body?.replies ?? []) as { text: string; buttons?: { title: string; payload: string }[] }[];
  return { status: answer.status, texts: replies.map((r) => r.text).join('\n'), buttons: replies.flatMap((r) => r.buttons?.map((b) => b.payload) ?? []) };
}

const BUSY = {
  'zh-Hans': ['这款黑色M码有货吗', '店铺系统有点忙'],
  'zh-Hant': ['這款黑色M碼有貨嗎', '店鋪系統有點忙'],
  en: ['is the black one in M in stock?', 'our shop system is busy'],
} as const;

describe('a merchant catalog API that goes down', () => {
  it('answers from the API while it is up', async () => {
    const answer = await ask('这款黑色M码有货吗', 'tee-classic');
    expect(answer.status).toBe(200);
    expect(answer.texts).toContain('这款黑色M码已经卖完了,可以推荐给您蓝色的');
    expect(api.requests).toContain('GET /products/tee-classic');
  });

  // After a failure the HTTP catalog fails fast for a few seconds (so one message does not wait
  // through several timeouts): each outage here starts from a recovered API, so it is really exercised.
  // Every other failure mode (429, garbage, bodies that break the contract) is covered request by
  // request in catalog-contract.test.ts.
  it.each(['down', 'hang'] as const)('API %s: a graceful reply in all three languages, then answers again', async (mode) => {
    await expect
      .poll(async () => (await ask('what is the hoodie made of?')).texts, { timeout: 20_000, interval: 250 })
      .toContain('65% cotton, 35% polyester');
    api.mode = mode;
    try {
      for (const [language, [question, busy]] of Object.entries(BUSY)) {
        const answer = await ask(question, 'tee-classic');
        expect(answer.status, language).toBe(200);
        expect(answer.texts, language).toContain(busy);
        expect(answer.buttons, language).toContain('/human_agent');
      }
      // Flows that need no shop data keep working.
      expect((await ask('你好')).texts).not.toContain('店铺系统有点忙');
    } finally {
      api.mode = 'up';
    }
    await expect
      .poll(async () => (await ask('这款黑色M码有货吗', 'tee-classic')).texts, { timeout: 20_000, interval: 250 })
      .toContain('可以推荐给您蓝色的');
  });

  it('stays graceful when the API is gone altogether (connection refused)', async () => {
    await api.close();
    apiClosed = true;
    const zh = await ask('羽绒服什么面料', 'down-jacket-light');
    expect(zh.status).toBe(200);
    expect(zh.texts).toContain('店铺系统有点忙');
    const en = await ask('how much is the down jacket?');
    expect(en.texts).toContain('our shop system is busy');
  });
});
