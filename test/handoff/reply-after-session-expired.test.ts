// A buyer leaves a message (留言) and goes away; their conversation session expires (kept
// sessions.ttlSeconds, a day by default) long before the hand-off does (handoff.keepSeconds, a
// week). The agent who comes later still claims, answers and closes on the buyer's own channel (the
// web chat mailbox), and the buyer who comes back writes to that agent, not to the bot. On Redis,
// over HTTP; the session's expiry is its key going away, as Redis's TTL would make it go.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../adapters/desk/agent-accounts.ts';
import type { RunningServer } from '../../server.ts';
import { sharedRedisUrl } from '../support/redis-server.ts';
import { eventually } from '../support/slack-kefu.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const PASSWORD = 'session expired 王芳';
let kefu: RunningServer;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'kefu-session-expired-')), 'kefu.yaml');
  writeFileSync(file, ['desk:', '  agents:', `    - { id: wangfang, name: "王芳", passwordHash: "${await hashPassword(PASSWORD)}" }`, ''].join('\n'));
  kefu = await startTestKefu({ redisUrl: sharedRedisUrl, env: { KEFU_CONFIG: file, KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0' } });
});
afterAll(() => kefu?.close());

async function pushedTo(conversationId: string): Promise<string[]> {
  const items = await kefu.kefu.mailbox.readAfter(conversationId, null);
  return items.flatMap((item) => (JSON.parse(item.data) as { replies: { text: string }[] }).replies.map((r) => r.text));
}

/** What Redis does when the session's TTL runs out. */
async function sessionExpires(conversationId: string): Promise<void> {
  const key = `webchat:${conversationId}`;
  expect(await kefu.kefu.desk.sessions.load(key)).not.toBeNull();
  await kefu.kefu.desk.sessions.delete(key);
}

async function agent(): Promise<(method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>> {
  const signIn = await fetch(`${kefu.url}/desk/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agent: 'wangfang', password: PASSWORD }) });
  expect(signIn.status).toBe(200);
  const headers = { cookie: signIn.headers.get('set-cookie')!.split(';')[0]!, 'x-kefu-csrf': ((await signIn.json()) as { csrf: string }).csrf, 'content-type': 'application/json' };
  return async (method, path, body) => {
    const response = await fetch(`${kefu.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: response.status, body: await response.json() };
  };
}

/** The buyer asks for a person while nobody is at the desk and leaves a message; returns the ticket. */
async function leavesAMessage(conversationId: string, ask: string, text: string, call: Awaited<ReturnType<typeof agent>>): Promise<string> {
  const before = new Set(((await call('GET', '/desk/api/handoffs')).body.handoffs as { handoffId: string }[]).map((h) => h.handoffId));
  expect((await postMessage(kefu.url, { conversationId, messageId: randomUUID(), text: ask })).status).toBe(200);
  expect((await postMessage(kefu.url, { conversationId, messageId: randomUUID(), text })).body.replies).toEqual([]);
  const added = ((await call('GET', '/desk/api/handoffs')).body.handoffs as { handoffId: string }[]).map((h) => h.handoffId).filter((id) => !before.has(id));
  expect(added).toHaveLength(1);
  return added[0]!;
}

describe('an agent answers a buyer whose session expired', () => {
  it('claims and replies on the buyer\'s channel; the buyer\'s next message reaches the agent, not the bot', async () => {
    const call = await agent();
    const conversationId = `expired-${randomUUID()}`;
    const ticket = await leavesAMessage(conversationId, '转人工', '订单还没发货,麻烦帮我查一下', call);
    await sessionExpires(conversationId);

    expect((await call('GET', `/desk/api/handoffs/${ticket}`)).body.turns.map((t: { text: string }) => t.text)).toContain('订单还没发货,麻烦帮我查一下');
    expect((await call('POST', `/desk/api/handoffs/${ticket}/claim`, {})).body).toEqual({ status: 'claimed' });
    const reply = { text: '亲,已帮您催促仓库,今天内发出', requestId: 'expired-reply-1' };
    expect((await call('POST', `/desk/api/handoffs/${ticket}/reply`, reply)).body).toEqual({ status: 'sent' });
    await eventually(async () => expect(await pushedTo(conversationId)).toEqual(expect.arrayContaining([expect.stringMatching(/人工客服已接入/), reply.text])), 'the buyer gets the claim and the reply on the web chat');

    // The buyer comes back: the bot stays quiet, the agent reads it on the card, and can answer it.
    const back = await postMessage(kefu.url, { conversationId, messageId: randomUUID(), text: '好的,那运单号是多少?' });
    expect(back.status).toBe(200);
    expect(back.body.replies).toEqual([]);
    const card = (await call('GET', `/desk/api/handoffs/${ticket}`)).body;
    expect(card).toMatchObject({ status: 'claimed', claimedBy: { id: 'kefu:wangfang' } });
    expect(card.turns.map((t: { from: string; text: string }) => `${t.from}:${t.text}`)).toContain('buyer:好的,那运单号是多少?');
    expect((await call('POST', `/desk/api/handoffs/${ticket}/reply`, { text: '运单号 SF1234567890', requestId: 'expired-reply-2' })).body).toEqual({ status: 'sent' });
    await eventually(async () => expect(await pushedTo(conversationId)).toContain('运单号 SF1234567890'), 'the second reply reaches the buyer');

    // Closed, the bot answers the buyer again.
    expect((await call('POST', `/desk/api/handoffs/${ticket}/close`, {})).body).toEqual({ status: 'closed' });
    expect((await postMessage(kefu.url, { conversationId, messageId: randomUUID(), text: '身高170体重60穿什么码' })).body.replies.length).toBeGreaterThan(0);
  });

  it('closing a ticket whose buyer\'s session is gone still tells the buyer, in their language', async () => {
    const call = await agent();
    const conversationId = `expired-close-${randomUUID()}`;
    const ticket = await leavesAMessage(conversationId, 'human please', 'Where is my parcel? It has not moved for three days', call);
    expect((await call('POST', `/desk/api/handoffs/${ticket}/claim`, {})).body).toEqual({ status: 'claimed' });
    await sessionExpires(conversationId);
    const before = (await pushedTo(conversationId)).length;
    expect((await call('POST', `/desk/api/handoffs/${ticket}/close`, {})).body).toEqual({ status: 'closed' });
    await eventually(async () => expect((await pushedTo(conversationId)).length).toBeGreaterThan(before), 'the buyer is told the conversation is closed');
    const closing = (await pushedTo(conversationId)).slice(before).join('\n');
    expect(closing).toMatch(/[A-Za-z]/);
    expect(closing).not.toMatch(/[\u4e00-\u9fff]/);
    // And the bot has the buyer again.
    expect((await postMessage(kefu.url, { conversationId, messageId: randomUUID(), text: 'what size for 170cm 60kg' })).body.replies.length).toBeGreaterThan(0);
  });
});
