// Issue 17, "Done when": the vendors' documented push samples are accepted AND answered. Each sample
// (vendor-samples.ts, as the vendor prints it) is pushed, signed as the platform signs, at a real Kefu
// with the channel on; the loopback fake of the platform then receives the bot's reply in that very
// conversation. Only what must change to be fresh is changed: the times (a sample from 2020 is outside
// the replay window) and, for Shopee, the envelope's shop id (the test shop's).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { eventually } from '../support/fake-marketplace.ts';
import { SHOPEE_TEST_APP } from '../support/fake-shopee.ts';
import { lazadaKit, shopeeKit, tiktokKit, type MarketplaceKit, type SentItem } from '../support/marketplace-kits.ts';
import { startTestKefu } from '../support/start-kefu.ts';
import { LAZADA_IM_PUSH_SAMPLE, SHOPEE_WEBCHAT_PUSH_CAPTURED, TIKTOK_NEW_MESSAGE_SAMPLE } from './vendor-samples.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

const cases: { kit: MarketplaceKit; sample: string; push: () => unknown; conversation: string }[] = [
  {
    kit: lazadaKit,
    sample: 'Lazada "Webhook API IM Send Message Notifications" (msg_type 2)',
    push: () => ({ ...LAZADA_IM_PUSH_SAMPLE, data: { ...LAZADA_IM_PUSH_SAMPLE.data, send_time: Date.now() } }),
    conversation: LAZADA_IM_PUSH_SAMPLE.data.session_id,
  },
  {
    kit: tiktokKit,
    sample: 'TikTok Shop webhook "(14) New message" event example',
    push: () => ({ ...TIKTOK_NEW_MESSAGE_SAMPLE, timestamp: nowSeconds(), data: { ...TIKTOK_NEW_MESSAGE_SAMPLE.data, create_time: nowSeconds() } }),
    conversation: TIKTOK_NEW_MESSAGE_SAMPLE.data.conversation_id,
  },
  {
    kit: shopeeKit,
    sample: 'Shopee webchat push (code 10) as captured live',
    push: () => ({
      ...SHOPEE_WEBCHAT_PUSH_CAPTURED,
      shop_id: SHOPEE_TEST_APP.shopId,
      timestamp: nowSeconds(),
      data: { ...SHOPEE_WEBCHAT_PUSH_CAPTURED.data, content: { ...SHOPEE_WEBCHAT_PUSH_CAPTURED.data.content, created_timestamp: nowSeconds() } },
    }),
    conversation: `to:${SHOPEE_WEBCHAT_PUSH_CAPTURED.data.content.from_id}`,
  },
];

describe.each(cases)('$sample', ({ kit, push, conversation }) => {
  let platform: { fake: { url: string; close(): Promise<void> }; sent(): SentItem[] };
  let server: RunningServer;
  beforeAll(async () => {
    platform = await kit.start();
    server = await startTestKefu({ env: kit.env(platform.fake.url) });
  });
  afterAll(async () => {
    await server?.close();
    await platform?.fake.close();
  });

  it('is acknowledged with an empty 200 and answered in its own conversation', async () => {
    const raw = JSON.stringify(push());
    const response = await fetch(server.url + kit.pushPath, { method: 'POST', headers: kit.headers(raw), body: raw });
    expect({ status: response.status, body: await response.text(), outcome: response.headers.get('kefu-push') }).toEqual({ status: 200, body: '', outcome: 'queued' });
    const reply = await eventually(() => platform.sent().find((item) => item.conversationId === conversation && item.kind === 'text'), 'the reply to the sample');
    expect(reply.value.trim().length).toBeGreaterThan(0);
  });
});
