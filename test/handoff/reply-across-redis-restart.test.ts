// A message left (留言) survives a Redis restart: a buyer leaves it, Redis goes down and comes back
// (a private redis-server with its append-only file, as production runs it; never the machine's
// shared Redis), and the agent who signs in afterwards claims the ticket and replies; the reply
// reaches the buyer's web chat mailbox, and the buyer's next message reaches the agent. Kefu itself
// keeps running throughout and finds Redis again by itself.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../adapters/desk/agent-accounts.ts';
import type { RunningServer } from '../../server.ts';
import { startPrivateRedis, type PrivateRedisServer } from '../support/redis-server.ts';
import { eventually } from '../support/slack-kefu.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const PASSWORD = 'redis restart 王芳';
let redis: PrivateRedisServer;
let kefu: RunningServer;

beforeAll(async () => {
  redis = await startPrivateRedis({ keepData: true });
  const file = join(mkdtempSync(join(tmpdir(), 'kefu-redis-restart-')), 'kefu.yaml');
  writeFileSync(file, ['desk:', '  agents:', `    - { id: wangfang, name: "王芳", passwordHash: "${await hashPassword(PASSWORD)}" }`, ''].join('\n'));
  kefu = await startTestKefu({ redisUrl: redis.url, env: { KEFU_CONFIG: file, KEFU__HANDOFF__UNCLAIMEDNOTICESECONDS: '0' } });
}, 30_000);

afterAll(async () => {
  await kefu?.close();
  await redis?.stop();
});

async function pushedTo(conversationId: string): Promise<string[]> {
  const items = await kefu.kefu.mailbox.readAfter(conversationId, null);
  return items.flatMap((item) => (JSON.parse(item.data) as { replies: { text: string }[] }).replies.map((r) => r.text));
}

describe('a message left before Redis restarts', () => {
  it('is answered after it: claim, reply and the buyer\'s next message', async () => {
    const conversationId = `restart-${randomUUID()}`;
    expect((await postMessage(kefu.url, { conversationId, messageId: randomUUID(), text: '转人工' })).status).toBe(200);
    const left = '快递三天没动了,麻烦帮我查一下';
    expect((await postMessage(kefu.url, { conversationId, messageId: randomUUID(), text: left })).body.replies).toEqual([]);

    await redis.stop();
    await redis.start();

    // Kefu finds Redis again by itself; until then the sign-in may answer an error the page retries.
    let headers: Record<string, string> = {};
    await eventually(async () => {
      const signIn = await fetch(`${kefu.url}/desk/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agent: 'wangfang', password: PASSWORD }) });
      expect(signIn.status).toBe(200);
      headers = { cookie: signIn.headers.get('set-cookie')!.split(';')[0]!, 'x-kefu-csrf': ((await signIn.json()) as { csrf: string }).csrf, 'content-type': 'application/json' };
    }, 'the agent signs in once Redis is back');
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${kefu.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      return { status: response.status, body: await response.json() };
    };

    const handoffs = (await call('GET', '/desk/api/handoffs')).body.handoffs as { handoffId: string }[];
    expect(handoffs).toHaveLength(1);
    const ticket = handoffs[0]!.handoffId;
    expect((await call('GET', `/desk/api/handoffs/${ticket}`)).body.turns.map((t: { text: string }) => t.text)).toContain(left);
    expect((await call('POST', `/desk/api/handoffs/${ticket}/claim`, {})).body).toEqual({ status: 'claimed' });
    const reply = { text: '亲,已联系快递,明天会更新', requestId: 'restart-reply-1' };
    expect((await call('POST', `/desk/api/handoffs/${ticket}/reply`, reply)).body).toEqual({ status: 'sent' });
    await eventually(async () => expect(await pushedTo(conversationId)).toContain(reply.text), 'the buyer gets the reply on the web chat');

    const back = await postMessage(kefu.url, { conversationId, messageId: randomUUID(), text: '好的谢谢' });
    expect(back.status).toBe(200);
    expect(back.body.replies).toEqual([]);
    expect((await call('GET', `/desk/api/handoffs/${ticket}`)).body.turns.map((t: { from: string; text: string }) => `${t.from}:${t.text}`)).toContain('buyer:好的谢谢');
  }, 60_000);
});
