// The web chat channel over HTTP, as a shop's page (or a careless integration) talks to it: a real
// Kefu on a free port, in memory and on the real Redis, answering POST /webchat/messages.
//   - what a buyer sees on the happy path (the seed question, a dialogue, a button, a product page);
//   - every kind of bad request, each answered with a clear JSON error or a kind reply, and the
//     conversation it was aimed at still finishing a size dialogue correctly afterwards;
//   - a platform-style redelivery of the same messageId, sequential and concurrent, handled once.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { deleteKeysByPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { postMessage, postRawMessage, readAnswer, startTestKefu, type WebchatAnswer as Answer } from '../support/start-kefu.ts';

const SEED_ANSWER = '根据尺寸,您适合M号哦';
const ASK_HEIGHT = /请问您的身高是多少/;
const ASK_WEIGHT = /体重大概多少/;

/** A conversation id no other test (or test run on the shared Redis) uses. */
function newConversation(label: string): string {
  return `${label}-${randomUUID()}`;
}

function texts(answer: Answer): string[] {
  return (answer.body.replies as { text: string }[]).map((reply) => reply.text);
}

/** POSTs a message that must be answered (200) and returns the bot's texts. */
async function say(url: string, body: Record<string, unknown>): Promise<string[]> {
  const answer = await postMessage(url, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return texts(answer);
}

/**
 * Delivers a message the way a platform does: while Kefu answers 503 + Retry-After (the same
 * messageId is still being handled), waits a moment and delivers it again, a bounded number of times.
 */
async function deliver(url: string, body: Record<string, unknown>): Promise<Answer> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const answer = await postMessage(url, body);
    if (answer.status !== 503) return answer;
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`message ${String(body.messageId)} was still refused after 50 deliveries`);
}

/** What the bot has remembered of a conversation, read from the hand-off card an agent would get. */
async function transcriptSeenByAgent(server: RunningServer, conversationId: string): Promise<{ from: string; text: string }[]> {
  // Nobody is at the desk in this test: the buyer is told so, and the hand-off is opened all the same.
  expect(await say(server.url, { conversationId, text: '转人工' })).toEqual([expect.stringMatching(/转接人工客服|没有人工客服在线/)]);
  const handoff = server.kefu.agentQueue.waiting().filter((h) => h.request.conversation.conversationId === conversationId).at(-1);
  expect(handoff, 'a hand-off was opened').toBeDefined();
  return handoff!.request.lastTurns.map(({ from, text }) => ({ from, text }));
}

const backends = [
  { storage: 'memory', redis: false },
  { storage: 'redis', redis: true },
] as const;

describe.each(backends)('web chat over HTTP, sessions in $storage', ({ storage, redis }) => {
  let server: RunningServer;
  const prefix = uniquePrefix('webchat-http');

  beforeAll(async () => {
    server = await startTestKefu(redis ? { redisUrl: sharedRedisUrl, env: { KEFU__SESSIONS__KEYPREFIX: prefix } } : {});
    expect(server.kefu.storage).toBe(storage);
  });

  afterAll(async () => {
    await server?.close();
    if (redis) {
      const client = new Redis(sharedRedisUrl);
      await deleteKeysByPrefix(client, prefix);
      client.disconnect();
    }
  });

  /** Asks for a size, then answers height and weight one at a time: the dialogue every check ends with. */
  async function expectSizeDialogueCompletes(conversationId: string, opening = '我穿多大码'): Promise<void> {
    if (opening) expect(await say(server.url, { conversationId, text: opening })).toEqual([expect.stringMatching(ASK_HEIGHT)]);
    expect(await say(server.url, { conversationId, text: '170' })).toEqual([expect.stringMatching(ASK_WEIGHT)]);
    expect(await say(server.url, { conversationId, text: '60' })).toEqual([SEED_ANSWER]);
  }

  describe('what a buyer sees', () => {
    it('answers the seed question in one message', async () => {
      const answer = await postMessage(server.url, { conversationId: newConversation('seed'), text: '身高170体重60穿什么码' });

      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.headers.get('kefu-duplicate')).toBeNull();
      expect(answer.body).toEqual({ replies: [{ text: SEED_ANSWER }] });
    });

    it('asks for height, then weight, then recommends a size', async () => {
      const conversationId = newConversation('dialogue');

      expect(await say(server.url, { conversationId, text: '这件衣服我穿多大码' })).toEqual([expect.stringMatching(ASK_HEIGHT)]);
      expect(await say(server.url, { conversationId, text: '1米7' })).toEqual([expect.stringMatching(ASK_WEIGHT)]);
      expect(await say(server.url, { conversationId, text: '120斤' })).toEqual([SEED_ANSWER]);
    });

    it('starts the size dialogue from the greeting\'s button payload /ask_size', async () => {
      const conversationId = newConversation('button');
      const greeting = await postMessage(server.url, { conversationId, text: '你好' });
      const button = greeting.body.replies[0].buttons.find((b: { payload: string }) => b.payload === '/ask_size');
      expect(button).toEqual({ title: '帮我选尺码', payload: '/ask_size' });

      expect(await say(server.url, { conversationId, payload: button.payload })).toEqual([expect.stringMatching(ASK_HEIGHT)]);
      await expectSizeDialogueCompletes(conversationId, '');
    });

    it('uses the size chart of the product page the chat was opened from, and remembers it', async () => {
      const onHoodiePage = newConversation('product');
      const noProduct = newConversation('no-product');

      expect(await say(server.url, { conversationId: onHoodiePage, productId: 'hoodie-fleece', text: '身高176体重66穿什么码' }))
        .toEqual(['根据尺寸,您适合L号哦']);
      // 173 cm / 63 kg is an M on the shop's default chart but an L on the fleece hoodie's chart;
      // the second message names no product, so the hoodie is what the session remembered.
      expect(await say(server.url, { conversationId: onHoodiePage, text: '身高173体重63穿什么码' })).toEqual(['根据尺寸,您适合L号哦']);
      expect(await say(server.url, { conversationId: noProduct, text: '身高173体重63穿什么码' })).toEqual([SEED_ANSWER]);
    });
  });

  describe('bad requests: a clear answer, and the conversation is unharmed', () => {
    const post = (body: BodyInit, contentType?: string): Promise<Answer> =>
      postRawMessage(server.url, body, contentType ? { 'content-type': contentType } : {});

    // Every bad request carries "170" where it can: were any of them half-handled, the height
    // question would be answered by it and the dialogue check afterwards would go wrong.
    const refused: { name: string; send: (conversationId: string) => Promise<Answer>; status: number[]; error: RegExp }[] = [
      {
        name: 'malformed JSON',
        send: (id) => post(`{"conversationId":"${id}","text":"170"`, 'application/json'),
        status: [400],
        error: /malformed JSON/,
      },
      {
        name: 'a body over 64 KB',
        send: (id) => postMessage(server.url, { conversationId: id, text: `170${' '.repeat(70 * 1024)}` }),
        status: [413],
        error: /too large/,
      },
      {
        name: 'JSON sent as text/plain',
        send: (id) => post(JSON.stringify({ conversationId: id, text: '170' }), 'text/plain'),
        status: [415],
        error: /content type.*application\/json/,
      },
      {
        name: 'a form post',
        send: (id) => post(new URLSearchParams({ conversationId: id, text: '170' }).toString(), 'application/x-www-form-urlencoded'),
        status: [415],
        error: /content type.*application\/json/,
      },
      {
        name: 'no content type at all',
        send: (id) => post(new Blob([JSON.stringify({ conversationId: id, text: '170' })])),
        status: [415],
        error: /content type.*application\/json/,
      },
      {
        name: 'a missing conversationId',
        send: () => postMessage(server.url, { text: '170' }),
        status: [400],
        error: /conversationId/,
      },
      {
        name: 'a conversationId with illegal characters',
        send: (id) => postMessage(server.url, { conversationId: `${id}/../x y`, text: '170' }),
        status: [400],
        error: /conversationId/,
      },
      {
        name: 'a conversationId over 128 characters',
        send: (id) => postMessage(server.url, { conversationId: id.padEnd(129, 'x'), text: '170' }),
        status: [400],
        error: /conversationId.*128/,
      },
      {
        name: 'empty text without a payload',
        send: (id) => postMessage(server.url, { conversationId: id, text: '' }),
        status: [400],
        error: /text must not be empty/,
      },
      {
        name: 'neither text nor payload',
        send: (id) => postMessage(server.url, { conversationId: id }),
        status: [400],
        error: /text|payload/,
      },
      {
        name: 'a payload over 1000 characters',
        send: (id) => postMessage(server.url, { conversationId: id, payload: `/ask_size{"height":170,"note":"${'x'.repeat(1000)}"}` }),
        status: [400],
        error: /payload.*1000/,
      },
      {
        name: 'an extra unknown field',
        send: (id) => postMessage(server.url, { conversationId: id, text: '170', isAdmin: true }),
        status: [400],
        error: /not allowed: "isAdmin"/,
      },
      {
        name: 'text that is a number, not a string',
        send: (id) => postMessage(server.url, { conversationId: id, text: 170 }),
        status: [400],
        error: /text must be string/,
      },
      {
        name: 'text that is null',
        send: (id) => postMessage(server.url, { conversationId: id, text: null }),
        status: [400],
        error: /text must be string/,
      },
      {
        name: 'a conversationId that is a number',
        send: () => postMessage(server.url, { conversationId: 170, text: '170' }),
        status: [400],
        error: /conversationId must be string/,
      },
      {
        name: 'a JSON array body',
        send: (id) => postMessage(server.url, [{ conversationId: id, text: '170' }]),
        status: [400],
        error: /body must be object/,
      },
      {
        name: 'a __proto__ key',
        send: (id) => post(`{"conversationId":"${id}","text":"170","__proto__":{"isAdmin":true}}`, 'application/json'),
        status: [400],
        error: /JSON|not allowed/,
      },
      {
        name: 'GET on the POST route',
        send: async (id) => readAnswer(await fetch(`${server.url}/webchat/messages?conversationId=${id}&text=170`)),
        status: [404, 405],
        error: /not found|method/i,
      },
    ];

    it.each(refused)('$name is refused with a JSON error', async ({ send, status, error }) => {
      const conversationId = newConversation('refused');
      expect(await say(server.url, { conversationId, text: '我穿多大码' })).toEqual([expect.stringMatching(ASK_HEIGHT)]);

      const answer = await send(conversationId);

      expect(status).toContain(answer.status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual({ error: expect.stringMatching(error) });
      await expectSizeDialogueCompletes(conversationId, '');
    });

    const answeredKindly: { name: string; body: Record<string, unknown>; reply: RegExp }[] = [
      { name: 'whitespace-only text', body: { text: ' \n\t　 ' }, reply: /收到!还有什么可以帮您/ },
      { name: 'a 10,000-character text', body: { text: '请问这件衣服'.repeat(2000).slice(0, 10_000) }, reply: /消息有点长/ },
      { name: 'emoji-only text', body: { text: '😀👍🎉' }, reply: /收到!还有什么可以帮您/ },
      { name: 'an unknown button payload', body: { payload: '/no_such_thing' }, reply: /按钮已经失效/ },
      { name: 'a malformed button payload', body: { payload: '/ask_size{not json' }, reply: /按钮已经失效/ },
      { name: 'a payload that is not a command', body: { payload: '   ' }, reply: /收到!还有什么可以帮您/ },
    ];

    it.each(answeredKindly)('$name gets a kind reply, not an error or a hand-off', async ({ body, reply }) => {
      const conversationId = newConversation('kind');
      expect(await say(server.url, { conversationId, text: '我穿多大码' })).toEqual([expect.stringMatching(ASK_HEIGHT)]);

      const answer = await postMessage(server.url, { conversationId, ...body });

      expect(answer.status).toBe(200);
      expect(texts(answer)).toEqual([expect.stringMatching(reply)]);
      expect(server.kefu.agentQueue.waiting().some((h) => h.request.conversation.conversationId === conversationId)).toBe(false);
      await expectSizeDialogueCompletes(conversationId, '');
    });
  });

  describe('a redelivered message is handled once', () => {
    it('answers a second delivery of the same messageId with the stored answer, marked kefu-duplicate', async () => {
      const conversationId = newConversation('dup');
      expect(await say(server.url, { conversationId, messageId: 'm1', text: '我穿多大码' })).toEqual([expect.stringMatching(ASK_HEIGHT)]);

      const first = await postMessage(server.url, { conversationId, messageId: 'm2', text: '170' });
      const again = await postMessage(server.url, { conversationId, messageId: 'm2', text: '170' });

      expect(first.headers.get('kefu-duplicate')).toBeNull();
      expect(again.status).toBe(200);
      expect(again.headers.get('kefu-duplicate')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(texts(first)).toEqual([expect.stringMatching(ASK_WEIGHT)]);
      // Had "170" been handled twice, the second would have answered the weight question.
      expect(await say(server.url, { conversationId, messageId: 'm3', text: '60' })).toEqual([SEED_ANSWER]);
      expect(await transcriptSeenByAgent(server, conversationId)).toEqual([
        { from: 'buyer', text: '我穿多大码' },
        { from: 'bot', text: expect.stringMatching(ASK_HEIGHT) },
        { from: 'buyer', text: '170' },
        { from: 'bot', text: expect.stringMatching(ASK_WEIGHT) },
        { from: 'buyer', text: '60' },
        { from: 'bot', text: SEED_ANSWER },
        { from: 'buyer', text: '转人工' },
      ]);
    });

    it('handles five concurrent deliveries of one messageId once; the others get the same answer', async () => {
      const conversationId = newConversation('dup-concurrent');
      expect(await say(server.url, { conversationId, text: '我穿多大码' })).toEqual([expect.stringMatching(ASK_HEIGHT)]);

      const answers = await Promise.all(
        Array.from({ length: 5 }, () => deliver(server.url, { conversationId, messageId: 'height-answer', text: '170' })),
      );

      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.filter((a) => a.headers.get('kefu-duplicate') === null)).toHaveLength(1);
      expect(answers.filter((a) => a.headers.get('kefu-duplicate') === 'true')).toHaveLength(4);
      for (const answer of answers) expect(texts(answer)).toEqual([expect.stringMatching(ASK_WEIGHT)]);
      expect(await say(server.url, { conversationId, text: '60' })).toEqual([SEED_ANSWER]);
      const buyerSaid = (await transcriptSeenByAgent(server, conversationId)).filter((t) => t.from === 'buyer').map((t) => t.text);
      expect(buyerSaid).toEqual(['我穿多大码', '170', '60', '转人工']);
    });

    it('keeps the same messageId in two conversations apart: each gets its own answer', async () => {
      const asker = newConversation('same-id-a');
      const other = newConversation('same-id-b');

      expect(await say(server.url, { conversationId: asker, messageId: '1', text: '身高170体重60穿什么码' })).toEqual([SEED_ANSWER]);
      const answer = await postMessage(server.url, { conversationId: other, messageId: '1', text: '我穿多大码' });

      expect(answer.headers.get('kefu-duplicate')).toBeNull();
      expect(texts(answer)).toEqual([expect.stringMatching(ASK_HEIGHT)]);
    });
  });
});
