// The DingTalk desk in HTTP-callback mode with card buttons, on a real Kefu server and the
// loopback DingTalk: agents' messages arrive as POST /dingtalk/robot signed exactly as DingTalk
// signs them; the card is an actionCard whose buttons open signed Kefu pages. Replays, tampered and
// expired links, and double presses act once or not at all.

import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../server.ts';
import { FakeDingtalk, type GroupMessage } from '../../support/fake-dingtalk.ts';
import { postMessage, startTestKefu } from '../../support/start-kefu.ts';
import { WebchatPageStream } from '../../support/webchat-page-stream.ts';

const GROUP = 'cidAgents==';
const SECRET = 'callback-secret-e2e';
const PUBLIC_URL = 'https://kefu.shop.example';

describe('DingTalk desk over the HTTP callback, with card buttons', () => {
  let fake: FakeDingtalk;
  let kefu: RunningServer;

  beforeAll(async () => {
    fake = await FakeDingtalk.start({ appKey: 'dingcallbackkey', appSecret: SECRET, robotCode: 'dingrobot', groups: [GROUP] });
    kefu = await startTestKefu({
      env: {
        KEFU__AGENTDESK__KIND: 'dingtalk',
        KEFU__AGENTDESK__DINGTALK__APPKEY: 'dingcallbackkey',
        KEFU__AGENTDESK__DINGTALK__APPSECRET: SECRET,
        KEFU__AGENTDESK__DINGTALK__ROBOTCODE: 'dingrobot',
        KEFU__AGENTDESK__DINGTALK__OPENCONVERSATIONID: GROUP,
        KEFU__AGENTDESK__DINGTALK__MODE: 'callback',
        KEFU__AGENTDESK__DINGTALK__PUBLICURL: PUBLIC_URL,
        KEFU__AGENTDESK__DINGTALK__APIBASEURL: fake.url,
        KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await kefu?.close();
    await fake?.close();
  });

  let lastTimestamp = 0;
  /** DingTalk's outgoing-robot POST: headers timestamp and sign = base64(HmacSHA256(secret, timestamp + "\n" + secret)). */
  async function callback(text: string, msgId = `msg${randomUUID()}`, signed?: { timestamp: string; sign: string }): Promise<{ status: number; msgId: string; timestamp: string; sign: string }> {
    // DingTalk signs each request when it sends it; two in one millisecond would share a sign.
    lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
    const timestamp = signed?.timestamp ?? String(lastTimestamp);
    const sign = signed?.sign ?? createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest('base64');
    const expires = Date.now() + 5_400_000;
    const response = await fetch(`${kefu.url}/dingtalk/robot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', timestamp, sign },
      body: JSON.stringify({
        conversationId: GROUP, atUsers: [{ dingtalkId: '$:LWCP_v1:$bot' }], chatbotCorpId: 'dingcorp', chatbotUserId: '$:LWCP_v1:$bot', msgId,
        senderNick: '陈静', isAdmin: false, senderStaffId: 'staff-chen', sessionWebhookExpiredTime: expires, createAt: Date.now(),
        senderCorpId: 'dingcorp', conversationType: '2', senderId: '$:LWCP_v1:$chen', conversationTitle: '客服组', isInAtList: true,
        sessionWebhook: fake.newSessionWebhook(expires), text: { content: ` ${text}` }, msgtype: 'text', robotCode: 'dingrobot',
      }),
    });
    await response.body?.cancel();
    return { status: response.status, msgId, timestamp, sign };
  }

  async function handOff(): Promise<{ conversationId: string; card: GroupMessage; code: string; page: WebchatPageStream }> {
    const conversationId = `cb-${randomUUID()}`;
    const page = await WebchatPageStream.open(kefu.url, conversationId);
    const before = fake.groupMessages.length;
    expect((await postMessage(kefu.url, { conversationId, messageId: 'm1', text: 'talk to a human' })).status).toBe(200);
    await fake.until('the card', () => fake.groupMessages.length > before);
    const card = fake.groupMessages[before]!;
    const code = /^Hand-off #([A-Z]\d{1,3}):/.exec(card.param.title!)![1]!;
    return { conversationId, card, code, page };
  }

  /** A button's link, opened on this test's server (the card names the public address). */
  const local = (link: string): string => link.replace(PUBLIC_URL, kefu.url);

  it('posts an actionCard whose Claim button claims once, after a confirmation', async () => {
    const { card, code, page } = await handOff();
    expect(card.msgKey).toBe('sampleActionCard3');
    expect(card.param).toMatchObject({ actionTitle1: 'Claim 认领', actionTitle2: 'Back to bot 转回机器人', actionTitle3: 'Close 关闭' });
    const claim = card.param.actionURL1!;
    expect(claim.startsWith(`${PUBLIC_URL}/dingtalk/actions?`)).toBe(true);

    // Opening the link only shows the confirmation.
    const shown = await fetch(local(claim));
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain(`Hand-off #${code}`);
    expect(html).toContain('<form method="post"');
    expect(fake.groupMessages.some((m) => m.param.text?.includes('Claimed by'))).toBe(false);

    const pressed = await fetch(local(claim), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain('Claimed.');
    await page.until('the claim notice', (t) => t.includes('A member of our team has joined'));
    const again = await fetch(local(claim), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(await again.text()).toContain('Already done.');
    expect(page.texts.filter((t) => t.includes('A member of our team has joined'))).toHaveLength(1);

    // Replies come over the signed callback; a replay of the same msgId with a fresh signature does nothing more.
    const reply = await callback(`#${code} Hi, I'm Chen from the shop.`);
    expect(reply.status).toBe(200);
    await page.until('the agent reply', (t) => t === "Hi, I'm Chen from the shop.");
    expect((await callback(`#${code} Hi, I'm Chen from the shop.`, reply.msgId)).status).toBe(200);
    expect((await callback(`#${code} close`)).status).toBe(200);
    await page.until('the closing message', (t) => t.includes('our team has finished here'));
    expect(page.texts.filter((t) => t === "Hi, I'm Chen from the shop.")).toHaveLength(1);

    // The Close button of a closed hand-off: nothing happens, and the page says why.
    const closeAgain = await fetch(local(card.param.actionURL3!), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(await closeAgain.text()).toContain('this hand-off is over');
    page.close();
  });

  it('refuses tampered, unsigned and expired links without acting', async () => {
    const { card, page } = await handOff();
    const claim = new URL(local(card.param.actionURL1!));
    const tampered = new URL(claim);
    tampered.searchParams.set('a', 'close'); // the Claim link's signature on the Close action
    const unsigned = new URL(claim);
    unsigned.searchParams.delete('sig');
    const expired = new URL(claim);
    expired.searchParams.set('exp', String(Date.now() - 1000));
    const otherHandoff = new URL(claim);
    otherHandoff.searchParams.set('h', 'someone-elses-handoff');
    for (const url of [tampered, unsigned, expired, otherHandoff]) {
      for (const method of ['GET', 'POST']) {
        const response = await fetch(url, { method, ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' } : {}) });
        expect(response.status, `${method} ${url.search}`).toBe(403);
        await response.body?.cancel();
      }
    }
    expect(page.texts.some((t) => t.includes('joined'))).toBe(false);
    page.close();
  });

  it('a captured timestamp and sign cannot carry a forged message to the buyer', async () => {
    const { code, page } = await handOff();
    const claim = await callback(`#${code} claim`);
    expect(claim.status).toBe(200);
    await page.until('the claim notice', (t) => t.includes('A member of our team has joined'));
    // Whoever saw that request (a proxy log) reuses its headers with a body of their own.
    const forged = await callback(`#${code} Please pay the deposit to account 6222 0000 1234 5678`, undefined, claim);
    expect(forged.status).toBe(401);
    const genuine = await callback(`#${code} Your parcel left today.`);
    expect(genuine.status).toBe(200);
    await page.until('the genuine reply', (t) => t === 'Your parcel left today.');
    expect(page.texts.some((t) => t.includes('deposit'))).toBe(false);
    page.close();
  });

  it('refuses callbacks that are not signed right', async () => {
    const response = await fetch(`${kefu.url}/dingtalk/robot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', timestamp: String(Date.now()), sign: 'bm90IGEgc2lnbg==' },
      body: JSON.stringify({ msgId: 'x' }),
    });
    expect(response.status).toBe(401);
  });
});
