// Kefu's own desk beside Slack, and across processes: a hand-off shows in both desks and whoever
// claims first owns it (the other side is told who has it); on Redis, two agents claiming on two
// Kefu processes at the same moment get one winner.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../adapters/desk/agent-accounts.ts';
import type { RunningServer } from '../../server.ts';
import { sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { eventually, startSlackKefu, type SlackKefu } from '../support/slack-kefu.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const PASSWORD = 'desk-password-1';
let agentLines: string[];

beforeAll(async () => {
  const hash = await hashPassword(PASSWORD);
  agentLines = ['desk:', '  agents:', `    - { id: wangfang, name: "王芳", passwordHash: "${hash}" }`, `    - { id: lina, name: "Li Na", passwordHash: "${hash}" }`];
});

interface Agent { url: string; cookie: string; csrf: string }

async function signIn(url: string, agent: string): Promise<Agent> {
  const response = await fetch(`${url}/desk/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agent, password: PASSWORD }) });
  expect(response.status).toBe(200);
  return { url, cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await response.json()) as { csrf: string }).csrf };
}

async function call(agent: Agent, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { cookie: agent.cookie, ...(method === 'POST' ? { 'content-type': 'application/json', 'x-kefu-csrf': agent.csrf } : {}) };
  const response = await fetch(`${agent.url}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: await response.json() };
}

async function newestHandoff(agent: Agent, before: Set<string>): Promise<string> {
  return eventually(async () => {
    const ids = ((await call(agent, 'GET', '/desk/api/handoffs')).body.handoffs as { handoffId: string }[]).map((h) => h.handoffId).filter((id) => !before.has(id));
    if (ids.length !== 1) throw new Error(`${ids.length} new hand-offs`);
    return ids[0]!;
  }, 'the hand-off on the desk');
}

async function listed(agent: Agent): Promise<Set<string>> {
  return new Set(((await call(agent, 'GET', '/desk/api/handoffs')).body.handoffs as { handoffId: string }[]).map((h) => h.handoffId));
}

describe('beside Slack', () => {
  let kefu: SlackKefu;
  beforeAll(async () => {
    kefu = await startSlackKefu({ extraConfig: agentLines });
  });
  afterAll(async () => {
    await kefu?.close();
  });

  it('a claim on the desk shows on the Slack card, and Slack agents are told who has it', async () => {
    const wang = await signIn(kefu.server.url, 'wangfang');
    const before = await listed(wang);
    const mark = kefu.slack.mark();
    const conversationId = `buyer-${randomUUID()}`;
    expect((await kefu.say(conversationId, '转人工')).status).toBe(200);
    const [card] = kefu.slack.cardsSince(mark);
    const handoffId = await newestHandoff(wang, before);
    expect((await call(wang, 'GET', `/desk/api/handoffs/${handoffId}`)).body.teamChat).toEqual({ desk: 'slack', posted: true });

    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {})).status).toBe(200);
    await eventually(() => expect(JSON.stringify(kefu.slack.messages.find((m) => m.ts === card!.ts)!.blocks)).toContain('王芳'), 'the Slack card names the desk agent');
    // A note on the desk reaches the Slack thread too, for the team.
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/note`, { text: '老客户,已补发', requestId: 'note-slack-1' })).status).toBe(200);
    await eventually(() => expect(kefu.slack.thread(card!.channel, card!.ts).some((m) => m.text.includes('老客户,已补发') && m.text.includes('王芳'))).toBe(true), 'the note in the thread');
    expect((await kefu.agentPresses(card!.channel, card!.ts, 'U0BOB', 'kefu_claim')).status).toBe(200);
    await eventually(() => expect(kefu.slack.thread(card!.channel, card!.ts).some((m) => m.ephemeralTo === 'U0BOB' && m.text.includes('王芳'))).toBe(true), 'Bob is told who has it');
  });

  it('a claim in Slack first: the desk shows who has it and refuses a second claim', async () => {
    const wang = await signIn(kefu.server.url, 'wangfang');
    const before = await listed(wang);
    const mark = kefu.slack.mark();
    expect((await kefu.say(`buyer-${randomUUID()}`, '转人工')).status).toBe(200);
    const [card] = kefu.slack.cardsSince(mark);
    const handoffId = await newestHandoff(wang, before);
    expect((await kefu.agentPresses(card!.channel, card!.ts, 'U0ALICE', 'kefu_claim')).status).toBe(200);
    const refused = await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.by.id).toBe('U0ALICE');
    expect((await call(wang, 'GET', `/desk/api/handoffs/${handoffId}`)).body).toMatchObject({ status: 'claimed', claimedBy: { id: 'U0ALICE' } });
  });

  it('back to bot, then a flow the shop allows: the bot starts it for the buyer', async () => {
    const wang = await signIn(kefu.server.url, 'wangfang');
    expect((await call(wang, 'GET', '/desk/api/me')).body.resumeFlows).toEqual(['size_advice']);
    const before = await listed(wang);
    const conversationId = `buyer-${randomUUID()}`;
    expect((await kefu.say(conversationId, '转人工')).status).toBe(200);
    const handoffId = await newestHandoff(wang, before);
    await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {});
    expect((await call(wang, 'POST', `/desk/api/handoffs/${handoffId}/back-to-bot`, { flow: 'size_advice' })).body).toEqual({ status: 'back_to_bot' });
    await eventually(async () => expect((await kefu.pushedToBuyer(conversationId)).join('')).toMatch(/身高/), 'the size flow asks the buyer');
  });
});

describe('two Kefu processes on Redis', () => {
  let one: RunningServer;
  let two: RunningServer;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kefu-desk-')), 'kefu.yaml');
    writeFileSync(file, [...agentLines, ''].join('\n'));
    const prefix = uniquePrefix('desk');
    const env = { KEFU_CONFIG: file, REDIS_URL: sharedRedisUrl, KEFU__SESSIONS__KEYPREFIX: prefix, KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0' };
    one = await startTestKefu({ env });
    two = await startTestKefu({ env });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('both desks list the hand-off; two agents claim at once on two processes: one wins, the other is told who', async () => {
    const wang = await signIn(one.url, 'wangfang');
    const li = await signIn(two.url, 'lina');
    const before = await listed(li);
    expect((await postMessage(one.url, { conversationId: `r-${randomUUID()}`, text: '转人工' })).status).toBe(200);
    const handoffId = await newestHandoff(li, before);
    const results = await Promise.all([call(wang, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {}), call(li, 'POST', `/desk/api/handoffs/${handoffId}/claim`, {})]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results[0]!.status === 200 ? '王芳' : 'Li Na';
    expect(results.find((r) => r.status === 409)!.body.by.name).toBe(winner);
    for (const agent of [wang, li]) expect((await call(agent, 'GET', `/desk/api/handoffs/${handoffId}`)).body.claimedBy.name).toBe(winner);
  });
});
