// A buyer who asks for a person while nobody is at Kefu's own desk is told so honestly, in their
// language, and their hand-off waits in the desk's queue as a message to answer; once an agent's desk
// page is open, buyers get the usual "someone will be with you shortly". Presence is shared by every
// process through the session store and lapses a minute after the agent's page last asked anything.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../adapters/desk/agent-accounts.ts';
import { MemorySessionStore } from '../../adapters/stores/memory/memory-session-store.ts';
import { AgentPresence, PRESENCE_KEY, PRESENT_FOR_SECONDS } from '../../dialogs/handoff/agent-presence.ts';
import { silentLogger, type SessionStore } from '../../dialogs/ports.ts';
import type { RunningServer } from '../../server.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';
import { manualClock } from '../support/store-test-kit.ts';

describe('who is at the desk', () => {
  it('an agent seen in one process is seen by another, until their page has been quiet a minute', async () => {
    const clock = manualClock();
    const store = new MemorySessionStore({ clock });
    const here = new AgentPresence(store, clock, silentLogger);
    const there = new AgentPresence(store, clock, silentLogger);
    expect(here.anyoneOnline()).toBeNull();
    await there.refresh();
    expect(there.anyoneOnline()).toBe(false);
    await here.seen('wangfang');
    expect(here.anyoneOnline()).toBe(true);
    await there.refresh();
    expect(there.anyoneOnline()).toBe(true);
    clock.advance((PRESENT_FOR_SECONDS + 1) * 1000);
    await there.refresh();
    expect(there.anyoneOnline()).toBe(false);
  });

  it('does not claim "nobody" when it cannot tell (the store fails), and ignores a mangled record', async () => {
    const clock = manualClock();
    const failing: SessionStore = { load: async () => { throw new Error('redis gone'); }, save: async () => { throw new Error('redis gone'); }, delete: async () => {} };
    const presence = new AgentPresence(failing, clock, silentLogger);
    await presence.refresh();
    expect(presence.anyoneOnline()).toBeNull();
    await expect(presence.seen('wangfang')).resolves.toBeUndefined();
    const store = new MemorySessionStore({ clock });
    await store.save(PRESENCE_KEY, { wangfang: 'yesterday', '': null, bob: clock.now() + 10 ** 12 }, 60);
    const mangled = new AgentPresence(store, clock, silentLogger);
    await mangled.refresh();
    expect(mangled.anyoneOnline()).toBe(false);
  });
});

describe('asking for a person with nobody at the desk', () => {
  const PASSWORD = 'correct horse 王芳';
  let kefu: RunningServer;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kefu-presence-')), 'kefu.yaml');
    writeFileSync(file, ['desk:', '  agents:', `    - { id: wangfang, name: "王芳", passwordHash: "${await hashPassword(PASSWORD)}" }`, ''].join('\n'));
    kefu = await startTestKefu({ env: { KEFU_CONFIG: file, KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0' } });
  });
  afterAll(() => kefu?.close());

  const ask = async (text: string) => {
    const answer = await postMessage(kefu.url, { conversationId: `presence-${randomUUID()}`, text });
    expect(answer.status).toBe(200);
    return (answer.body.replies as { text: string }[]).map((r) => r.text).join('\n');
  };

  it('tells the buyer nobody is online, in their script, and keeps the hand-off for the agent who comes', async () => {
    expect(await ask('转人工')).toContain('现在暂时没有人工客服在线');
    expect(await ask('請幫我轉人工客服')).toContain('現在暫時沒有人工客服在線');
    expect(await ask('can I talk to a real person')).toContain('No one from our team is online right now');

    const signIn = await fetch(`${kefu.url}/desk/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agent: 'wangfang', password: PASSWORD }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const queue = await (await fetch(`${kefu.url}/desk/api/handoffs`, { headers: { cookie } })).json();
    expect(queue.handoffs.length).toBeGreaterThanOrEqual(3);

    // With the agent's desk open, the next buyer is told someone is coming.
    const next = await ask('转人工');
    expect(next).toContain('正在为您转接人工客服');
    expect(next).not.toContain('没有人工客服在线');
  });
});
