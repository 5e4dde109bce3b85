// 留言 end to end on Redis: a buyer asks for a person while nobody is at Kefu's own desk, is told so,
// and leaves a message; the web chat page retries that message (same messageId), and the desk still
// shows it once, on one ticket; the agent who signs in later claims the ticket and replies, and the
// reply reaches the buyer's own channel (the web chat mailbox), however long the buyer has been gone.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../adapters/desk/agent-accounts.ts';
import type { RunningServer } from '../../server.ts';
import { eventually } from '../support/slack-kefu.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const PASSWORD = 'leave a message 王芳';
let kefu: RunningServer;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'kefu-leave-message-')), 'kefu.yaml');
  writeFileSync(file, ['desk:', '  agents:', `    - { id: wangfang, name: "王芳", passwordHash: "${await hashPassword(PASSWORD)}" }`, ''].join('\n'));
  kefu = await startTestKefu({ redisUrl: 'redis://127.0.0.1:6379', env: { KEFU_CONFIG: file, KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0' } });
});
afterAll(() => kefu?.close());

async function pushedTo(conversationId: string): Promise<string[]> {
  const items = await kefu.kefu.mailbox.readAfter(conversationId, null);
  return items.flatMap((item) => (JSON.parse(item.data) as { replies: { text: string }[] }).replies.map((r) => r.text));
}

describe('leaving a message when nobody is at the desk', () => {
  it('keeps one ticket for a retried message, and the agent who comes later answers it on the buyer\'s channel', async () => {
    const conversationId = `leave-${randomUUID()}`;
    const asked = await postMessage(kefu.url, { conversationId, messageId: randomUUID(), text: '转人工' });
    expect(asked.status).toBe(200);
    expect((asked.body.replies as { text: string }[]).map((r) => r.text).join('\n')).toContain('留言');

    // The buyer's 留言, delivered twice as a page retrying after a lost answer would.
    const note = { conversationId, messageId: randomUUID(), text: '订单还没发货,麻烦帮我查一下,谢谢' };
    expect((await postMessage(kefu.url, note)).status).toBe(200);
    expect((await postMessage(kefu.url, note)).status).toBe(200);

    const signIn = await fetch(`${kefu.url}/desk/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agent: 'wangfang', password: PASSWORD }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const { csrf } = (await signIn.json()) as { csrf: string };
    const headers = { cookie, 'x-kefu-csrf': csrf, 'content-type': 'application/json' };

    const handoffs = ((await (await fetch(`${kefu.url}/desk/api/handoffs`, { headers })).json()).handoffs as { handoffId: string }[]);
    const mine: string[] = [];
    for (const { handoffId } of handoffs) {
      const card = await (await fetch(`${kefu.url}/desk/api/handoffs/${handoffId}`, { headers })).json();
      const said = (card.turns as { from: string; text: string }[]).filter((t) => t.from === 'buyer' && t.text === note.text);
      if (said.length > 0) {
        mine.push(handoffId);
        expect(said).toHaveLength(1);
        expect(card.status).toBe('waiting');
      }
    }
    expect(mine).toHaveLength(1);
    const ticket = mine[0]!;

    expect((await (await fetch(`${kefu.url}/desk/api/handoffs/${ticket}/claim`, { method: 'POST', headers, body: '{}' })).json())).toEqual({ status: 'claimed' });
    const reply = { text: '亲,已帮您催促仓库,今天内发出', requestId: 'leave-reply-1' };
    expect((await (await fetch(`${kefu.url}/desk/api/handoffs/${ticket}/reply`, { method: 'POST', headers, body: JSON.stringify(reply) })).json())).toEqual({ status: 'sent' });
    await eventually(async () => expect(await pushedTo(conversationId)).toContain(reply.text), 'the buyer gets the reply on the web chat');
  });
});
