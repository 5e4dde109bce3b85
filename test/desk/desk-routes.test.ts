// Kefu's own agent desk over HTTP, on a real Kefu server: sign-in (wrong passwords counted, then
// 429), the session cookie and the CSRF header, the queue and the buyer card, claim, reply (the
// web chat buyer gets it pushed), notes, back to bot, close; and every route's abuse case: no
// session, no or wrong CSRF token, another agent's claim, an oversized or blank reply, malformed
// and unknown ids, a sign-in posted from another site; handing a conversation to a named colleague
// (not the owner, nobody of that name, oneself, no CSRF token).

import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../adapters/desk/agent-accounts.ts';
import type { RunningServer } from '../../server.ts';
import { eventually } from '../support/slack-kefu.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const PASSWORDS = { wangfang: 'correct horse 王芳', bob: 'battery staple bob', carol: 'carol-pass-123', dave: 'dave-pass-456' };
let kefu: RunningServer;

beforeAll(async () => {
  // The shop's own configuration file lists the agents, with hashes made as `npm run desk -- hash` makes them.
  const agents = await Promise.all(Object.entries(PASSWORDS).map(async ([id, password]) => `    - { id: ${id}, name: "${id === 'wangfang' ? '王芳' : id}", passwordHash: "${await hashPassword(password)}" }`));
  const file = join(mkdtempSync(join(tmpdir(), 'kefu-desk-')), 'kefu.yaml');
  writeFileSync(file, ['desk:', '  agents:', ...agents, ''].join('\n'));
  kefu = await startTestKefu({
    env: {
      KEFU_CONFIG: file,
      KEFU__DESK__SIGNINLIMITS__PERAGENT: '3',
      KEFU__DESK__SIGNINLIMITS__PERADDRESS: '100',
      KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0',
    },
  });
});

afterAll(async () => {
  await kefu?.close();
});

interface Agent {
  cookie: string;
  csrf: string;
}

async function signIn(agent: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${kefu.url}/desk/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ agent, password }) });
}

async function agent(id: keyof typeof PASSWORDS): Promise<Agent> {
  const response = await signIn(id, PASSWORDS[id]);
  expect(response.status).toBe(200);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const body = (await response.json()) as { csrf: string };
  return { cookie, csrf: body.csrf };
}

async function call(who: Agent | null, method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...(who ? { cookie: who.cookie } : {}), ...extra };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    if (who && !('x-kefu-csrf' in extra)) headers['x-kefu-csrf'] = who.csrf;
  }
  const response = await fetch(`${kefu.url}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
  const text = await response.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* text */ }
  return { status: response.status, body: parsed };
}

/** A web chat buyer asks for a person; returns the conversation and the hand-off id on the desk (the new one in the list). */
async function buyerAsksForAPerson(who: Agent, text = '转人工', first = '这件外套有XL吗'): Promise<{ conversationId: string; handoffId: string }> {
  const ids = async () => ((await call(who, 'GET', '/desk/api/handoffs')).body.handoffs as { handoffId: string }[]).map((h) => h.handoffId);
  const before = new Set(await ids());
  const conversationId = `desk-${randomUUID()}`;
  await postMessage(kefu.url, { conversationId, text: first });
  const answer = await postMessage(kefu.url, { conversationId, text });
  expect(answer.status).toBe(200);
  const added = (await ids()).filter((id) => !before.has(id));
  expect(added).toHaveLength(1);
  return { conversationId, handoffId: added[0]! };
}

async function pushedTo(conversationId: string): Promise<string[]> {
  const items = await kefu.kefu.mailbox.readAfter(conversationId, null);
  return items.flatMap((item) => (JSON.parse(item.data) as { replies: { text: string }[] }).replies.map((r) => r.text));
}

describe('signing in', () => {
  it('serves the page without a session, with a strict content policy', async () => {
    const page = await fetch(`${kefu.url}/desk`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('src="desk/desk.js"');
  });

  it('gives a session cookie that scripts cannot read and other sites do not send', async () => {
    const response = await signIn('wangfang', PASSWORDS.wangfang);
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie')!;
    // No Path: the browser keeps it to the folder signed in from (/desk/api here; /shops/<id>/desk/api for one shop of many).
    expect(cookie).toMatch(/^kefu_desk=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(await response.json()).toMatchObject({ agent: { id: 'wangfang', name: '王芳' }, csrf: expect.any(String) });
  });

  it('refuses wrong passwords, counts them, and then refuses even the right one for a while', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn('carol', 'guess')).status).toBe(401);
    const locked = await signIn('carol', PASSWORDS.carol);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another agent is not locked out by carol's guesser.
    expect((await signIn('bob', PASSWORDS.bob)).status).toBe(200);
  });

  it('refuses an unknown name like a wrong password, and malformed bodies', async () => {
    expect((await signIn('nobody', 'x')).status).toBe(401);
    expect((await call(null, 'POST', '/desk/api/sign-in', { agent: 'bob' })).status).toBe(400);
    expect((await call(null, 'POST', '/desk/api/sign-in', { agent: 'bob', password: 'x', admin: true })).status).toBe(400);
    expect((await call(null, 'POST', '/desk/api/sign-in', '{not json')).status).toBe(400);
    expect((await call(null, 'POST', '/desk/api/sign-in', { agent: 'bob', password: 'x'.repeat(300) })).status).toBe(400);
  });

  it('refuses a sign-in posted from another site', async () => {
    expect((await signIn('bob', PASSWORDS.bob, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('signs out: the cookie no longer works', async () => {
    const bob = await agent('bob');
    expect((await call(bob, 'POST', '/desk/api/sign-out', {})).status).toBe(200);
    expect((await call(bob, 'GET', '/desk/api/me')).status).toBe(401);
  });
});

describe('every route needs a session, and every change the CSRF token', () => {
  it('answers 401 without a session or with a forged cookie', async () => {
    for (const path of ['/desk/api/me', '/desk/api/agents', '/desk/api/handoffs', '/desk/api/handoffs/abc-123']) {
      expect((await call(null, 'GET', path)).status).toBe(401);
      expect((await call({ cookie: `kefu_desk=${'A'.repeat(43)}`, csrf: 'x' }, 'GET', path)).status).toBe(401);
    }
    for (const action of ['claim', 'reply', 'note', 'back-to-bot', 'close']) {
      expect((await call(null, 'POST', `/desk/api/handoffs/abc-123/${action}`, { text: 'hi', requestId: 'r1234567' })).status).toBe(401);
    }
    expect((await call(null, 'POST', '/desk/api/handoffs/abc-123/assign', { agent: 'bob' })).status).toBe(401);
  });

  it('answers 403 without the CSRF header or with a wrong one, and changes nothing', async () => {
    const wang = await agent('wangfang');
    const { handoffId } = await buyerAsksForAPerson(wang);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {}, { 'x-kefu-csrf': '' })).status).toBe(403);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {}, { 'x-kefu-csrf': 'forged' })).status).toBe(403);
    expect((await call(wang, 'GET', `/desk/api/handoffs/${handoffId}`)).body.status).toBe('waiting');
  });
});

describe('a hand-off on the desk', () => {
  it('shows the queue and the card; claim, reply, note, back to bot', async () => {
    const wang = await agent('wangfang');
    const { conversationId, handoffId } = await buyerAsksForAPerson(wang);

    const list = await call(wang, 'GET', '/desk/api/handoffs');
    expect(list.body.queues).toContainEqual(expect.objectContaining({ queue: 'presale', waiting: expect.any(Number) }));
    const card = (await call(wang, 'GET', `/desk/api/handoffs/${handoffId}`)).body;
    expect(card).toMatchObject({ status: 'waiting', channel: 'webchat', language: 'zh-Hans', reason: 'asked_for_human', queue: 'presale', claimedBy: null });
    expect(card.buyerLabel).not.toContain(conversationId);
    expect(card.turns.map((t: { from: string; text: string }) => `${t.from}:${t.text}`)).toEqual(expect.arrayContaining(['buyer:这件外套有XL吗', 'buyer:转人工']));

    // A reply before the claim is refused.
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: '您好', requestId: 'early-0001' })).status).toBe(409);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {})).body).toEqual({ status: 'claimed' });
    await eventually(async () => expect((await pushedTo(conversationId)).join('')).toMatch(/人工客服已接入/), 'the buyer hears a person joined');

    const reply = { text: '亲，XL有货的，今天下单明天发', requestId: 'reply-0001' };
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, reply)).body).toEqual({ status: 'sent' });
    // The page retried the same POST: sent once.
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, reply)).body).toEqual({ status: 'duplicate' });
    expect((await pushedTo(conversationId)).filter((t) => t === reply.text)).toHaveLength(1);

    // A reply that starts like a team-chat note is still a reply here; notes have their own button.
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: '//尺码表见详情页', requestId: 'reply-0002' })).body).toEqual({ status: 'sent' });
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/note`, { text: 'VIP 买家，优先处理', requestId: 'note-0001' })).status).toBe(200);
    expect((await pushedTo(conversationId)).join('')).not.toContain('VIP');
    const after = (await call(wang, 'GET', `/desk/api/handoffs/${handoffId}`)).body;
    expect(after.notes).toEqual([expect.objectContaining({ text: 'VIP 买家，优先处理', by: { id: 'kefu:wangfang', name: '王芳' } })]);
    expect(after.turns.map((t: { from: string; text: string }) => `${t.from}:${t.text}`)).toContain(`agent:${reply.text}`);

    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/back-to-bot`, {})).body).toEqual({ status: 'back_to_bot' });
    const gone = await call(wang, 'GET', '/desk/api/handoffs');
    expect((gone.body.handoffs as { handoffId: string }[]).map((h) => h.handoffId)).not.toContain(handoffId);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: '还在吗', requestId: 'late-00001' })).status).toBe(409);
    // The bot answers the buyer again.
    expect((await postMessage(kefu.url, { conversationId, text: '身高170体重60穿什么码' })).body.replies.length).toBeGreaterThan(0);
  });

  it("offers the bot's own answer to the buyer's last message and the canned replies, in the buyer's language", async () => {
    const wang = await agent('wangfang');
    const { conversationId, handoffId } = await buyerAsksForAPerson(wang);
    expect((await call(wang, 'GET', `/desk/api/handoffs/${handoffId}`)).body.suggestion).toBeNull(); // "转人工": the bot would hand over again
    await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {});
    await postMessage(kefu.url, { conversationId, text: '身高170体重60穿什么码' });
    const card = (await call(wang, 'GET', `/desk/api/handoffs/${handoffId}`)).body;
    expect(card.suggestion).toBe('根据尺寸,您适合M号哦');
    expect(card.canned.map((c: { name: string }) => c.name)).toEqual(['canned_checking', 'canned_order_number', 'canned_photo', 'canned_anything_else']);
    expect(card.canned[0].text).toContain('帮您查一下');
    // Working out the suggestion touched nothing of the buyer's: the bot still stays quiet for them.
    expect((await postMessage(kefu.url, { conversationId, text: '在吗' })).body.replies).toEqual([]);

    const english = await buyerAsksForAPerson(wang, 'human please', 'do you have this jacket in XL');
    expect((await call(wang, 'GET', `/desk/api/handoffs/${english.handoffId}`)).body.canned[0].text).toMatch(/check/);
  });

  it("refuses another agent's claimed hand-off: no second claim, no reply, no close", async () => {
    const wang = await agent('wangfang');
    const bob = await agent('bob');
    const { conversationId, handoffId } = await buyerAsksForAPerson(wang);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {})).status).toBe(200);
    const second = await call(bob, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {});
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ status: 'already_claimed', by: { name: '王芳' } });
    expect((await call(bob, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: '我来', requestId: 'bob-000001' })).status).toBe(409);
    expect((await call(bob, 'POST', `/desk/api/handoffs/${handoffId}/close`, {})).status).toBe(409);
    expect((await call(bob, 'POST', `/desk/api/handoffs/${handoffId}/back-to-bot`, {})).status).toBe(409);
    expect((await pushedTo(conversationId)).join('')).not.toContain('我来');
    // Bob sees who has it.
    expect((await call(bob, 'GET', `/desk/api/handoffs/${handoffId}`)).body.claimedBy).toEqual({ id: 'kefu:wangfang', name: '王芳' });
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/close`, {})).body).toEqual({ status: 'closed' });
  });

  it('moves a hand-off to another queue, where it waits for a claim again; only to queues the shop routes to', async () => {
    const wang = await agent('wangfang');
    const bob = await agent('bob');
    expect((await call(wang, 'GET', '/desk/api/me')).body.queues).toEqual(['aftersale', 'complaints', 'logistics', 'presale']);
    const { handoffId } = await buyerAsksForAPerson(wang);
    await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {});
    expect((await call(bob, 'POST', `/desk/api/handoffs/${handoffId}/transfer`, { queue: 'aftersale' })).status).toBe(409);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/transfer`, { queue: 'nowhere' })).status).toBe(400);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/transfer`, {})).status).toBe(400);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/transfer`, { queue: 'aftersale' })).body).toEqual({ status: 'transferred', queue: 'aftersale' });
    expect((await call(bob, 'GET', `/desk/api/handoffs/${handoffId}`)).body).toMatchObject({ queue: 'aftersale', status: 'waiting', claimedBy: null });
    const list = (await call(bob, 'GET', '/desk/api/handoffs')).body;
    expect(list.handoffs.find((h: { handoffId: string }) => h.handoffId === handoffId).queue).toBe('aftersale');
    expect((await call(bob, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {})).status).toBe(200);
  });

  it('hands a conversation to a named colleague, who alone may claim it; only its owner may, or anyone while it waits', async () => {
    const wang = await agent('wangfang');
    const bob = await agent('bob');
    const dave = await agent('dave');
    expect((await call(wang, 'GET', '/desk/api/agents')).body.agents).toEqual([{ id: 'bob', name: 'bob' }, { id: 'carol', name: 'carol' }, { id: 'dave', name: 'dave' }, { id: 'wangfang', name: '王芳' }]);
    const { conversationId, handoffId } = await buyerAsksForAPerson(wang);
    await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {});

    // Not the owner, no CSRF token, nobody of that name, oneself, a malformed name: nothing changes.
    expect((await call(bob, 'POST', `/desk/api/handoffs/${handoffId}/assign`, { agent: 'bob' })).body).toMatchObject({ status: 'already_claimed' });
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/assign`, { agent: 'bob' }, { 'x-kefu-csrf': '' })).status).toBe(403);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/assign`, { agent: 'nobody' })).status).toBe(400);
    const self = await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/assign`, { agent: 'WangFang' });
    expect(self.status).toBe(400);
    expect(self.body.status).toBe('assign_to_self');
    for (const bad of [{ agent: '../admin' }, { agent: 'kefu:bob' }, { agent: '' }, {}, { agent: 'bob', queue: 'presale' }, { agent: 'x'.repeat(65) }]) {
      expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/assign`, bad)).status).toBe(400);
    }
    expect((await call(dave, 'GET', `/desk/api/handoffs/${handoffId}`)).body).toMatchObject({ status: 'claimed', claimedBy: { id: 'kefu:wangfang' }, assignedTo: null });

    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/assign`, { agent: 'bob' })).body).toEqual({ status: 'assigned', to: { id: 'kefu:bob', name: 'bob' } });
    expect((await call(dave, 'GET', `/desk/api/handoffs/${handoffId}`)).body).toMatchObject({ status: 'waiting', claimedBy: null, assignedTo: { id: 'kefu:bob', name: 'bob' } });
    const listed = (await call(dave, 'GET', '/desk/api/handoffs')).body.handoffs.find((h: { handoffId: string }) => h.handoffId === handoffId);
    expect(listed).toMatchObject({ status: 'waiting', assignedTo: { id: 'kefu:bob' } });
    // It waits for Bob: neither Dave nor Wang (who let it go) can claim or answer it.
    const taken = await call(dave, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {});
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ status: 'assigned_to_other', to: { name: 'bob' } });
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {})).status).toBe(409);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: '我还在', requestId: 'wang-assign-1' })).status).toBe(409);

    expect((await call(bob, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {})).body).toEqual({ status: 'claimed' });
    expect((await call(bob, 'GET', `/desk/api/handoffs/${handoffId}`)).body).toMatchObject({ status: 'claimed', claimedBy: { id: 'kefu:bob' }, assignedTo: null });
    expect((await call(bob, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: '您好,我是 Bob,接着帮您看', requestId: 'bob-assign-1' })).body).toEqual({ status: 'sent' });
    await eventually(async () => expect(await pushedTo(conversationId)).toContain('您好,我是 Bob,接着帮您看'), 'the buyer hears from Bob');

    // A waiting conversation anyone may hand on; moving it to a queue frees it for the whole queue again.
    const other = await buyerAsksForAPerson(wang);
    expect((await call(dave, 'POST', `/desk/api/handoffs/${other.handoffId}/assign`, { agent: 'bob' })).status).toBe(200);
    expect((await call(dave, 'POST', `/desk/api/handoffs/${other.handoffId}/transfer`, { queue: 'presale' })).status).toBe(200);
    expect((await call(dave, 'GET', `/desk/api/handoffs/${other.handoffId}`)).body).toMatchObject({ status: 'waiting', assignedTo: null });
    expect((await call(dave, 'POST', `/desk/api/handoffs/${other.handoffId}/claim`, {})).status).toBe(200);
  });

  it('refuses oversized, blank and malformed replies, and unknown or malformed ids', async () => {
    const wang = await agent('wangfang');
    const { handoffId } = await buyerAsksForAPerson(wang);
    await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {});
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: 'x'.repeat(2001), requestId: 'big-000001' })).status).toBe(400);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: 'x'.repeat(70_000), requestId: 'big-000002' })).status).toBe(413);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: '   ', requestId: 'blank-0001' })).status).toBe(400);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: 'hi' })).status).toBe(400);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: 'hi', requestId: 'bad id!' })).status).toBe(400);
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/reply`, { text: 42, requestId: 'type-00001' })).status).toBe(400);
    expect((await call(wang, 'GET', '/desk/api/handoffs/nope-404')).status).toBe(404);
    expect((await call(wang, 'POST', '/desk/api/handoffs/nope-404/claim', {})).status).toBe(404);
    expect((await call(wang, 'GET', `/desk/api/handoffs/${encodeURIComponent('../../admin')}`)).status).toBe(400);
  });
});
