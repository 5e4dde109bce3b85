// Replies that come later (an agent's answer, a reminder) reach the buyer's open page over
// Server-Sent Events: GET /webchat/events?conversationId=… streams "ready", then a "replies" event
// with an id for every push; a page that reconnects with Last-Event-ID (or ?after=) gets exactly
// what it missed. Real servers, in memory and on the real Redis, where the mailbox is a Redis stream
// shared by every server process: a push made through one server reaches a page open on another.

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../dialogs/messages.ts';
import type { RunningServer } from '../../server.ts';
import { deleteKeysByPrefix, sharedRedisUrl, uniquePrefix } from '../support/redis-server.ts';
import { readServerSentEvents, type ServerSentEvent } from '../support/server-sent-events.ts';
import { startTestKefu } from '../support/start-kefu.ts';

/** Longest wait for one event: far above any real delay, well inside vitest's 30 s, so a miss names what it waited for. */
const EVENT_WAIT_MS = 10_000;

/** A page's connection to /webchat/events, read with fetch streaming and a small SSE parser. */
class EventStream {
  private readonly events: ServerSentEvent[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;

  constructor(
    private readonly response: Response,
    private readonly controller: AbortController,
  ) {
    void this.pump();
  }

  /** The next event (comments, keep-alives and the retry hint are not events). */
  async next(what = 'an event'): Promise<ServerSentEvent> {
    const deadline = Date.now() + EVENT_WAIT_MS;
    while (this.events.length === 0) {
      if (this.ended) throw new Error(`the stream ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${EVENT_WAIT_MS} ms while waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    return this.events.shift()!;
  }

  /** The texts of the next "replies" event. */
  async nextReplies(what: string): Promise<{ id: string | undefined; texts: string[] }> {
    const event = await this.next(what);
    expect(event.event, `event while waiting for ${what}`).toBe('replies');
    const { replies } = JSON.parse(event.data) as { replies: Reply[] };
    return { id: event.id, texts: replies.map((reply) => reply.text) };
  }

  close(): void {
    this.controller.abort();
  }

  private async pump(): Promise<void> {
    await readServerSentEvents(this.response, (event) => this.events.push(event), () => this.waiter?.());
    this.ended = true;
    this.waiter?.();
  }
}

/** Opens a page's stream and waits for its "ready" event. */
async function openStream(baseUrl: string, query: Record<string, string>, headers: Record<string, string> = {}): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/webchat/events?${new URLSearchParams(query).toString()}`, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const stream = new EventStream(response, controller);
  expect((await stream.next('"ready"')).event).toBe('ready');
  return stream;
}

/** How an agent's desk answers a buyer: through the conversation service, not as an HTTP answer. */
async function agentSays(server: RunningServer, conversationId: string, text: string): Promise<void> {
  await server.kefu.conversations.sendToBuyer({ channel: 'webchat', conversationId, buyerId: conversationId }, [{ text }], 'agent', Date.now());
}

function newConversation(label: string): string {
  return `${label}-${randomUUID()}`;
}

const backends = [
  { storage: 'memory', redis: false },
  { storage: 'redis', redis: true },
] as const;

describe.each(backends)('replies pushed to the page, mailbox in $storage', ({ storage, redis }) => {
  let server: RunningServer;
  const streams: EventStream[] = [];
  const prefix = uniquePrefix('webchat-push');

  const open = async (query: Record<string, string>, headers: Record<string, string> = {}): Promise<EventStream> => {
    const stream = await openStream(server.url, query, headers);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    server = await startTestKefu(redis ? { redisUrl: sharedRedisUrl, env: { KEFU__SESSIONS__KEYPREFIX: prefix } } : {});
    expect(server.kefu.storage).toBe(storage);
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await server?.close();
    if (redis) {
      const client = new Redis(sharedRedisUrl);
      await deleteKeysByPrefix(client, prefix);
      client.disconnect();
    }
  });

  it('sends an agent\'s message to the open page as a "replies" event with an id', async () => {
    const conversationId = newConversation('agent');
    const page = await open({ conversationId });

    await agentSays(server, conversationId, 'agent here');

    const event = await page.next('the agent\'s message');
    expect(event.event).toBe('replies');
    expect(event.id).toMatch(/^\d+-\d+$/);
    expect(JSON.parse(event.data)).toEqual({ replies: [{ text: 'agent here' }] });
  });

  it('starts a first connection at "now": what was pushed before the page opened is not replayed', async () => {
    const conversationId = newConversation('fresh');
    await agentSays(server, conversationId, 'for an earlier page load');

    const page = await open({ conversationId });
    await agentSays(server, conversationId, 'for this page');

    expect((await page.nextReplies('the new push')).texts).toEqual(['for this page']);
  });

  it.each([
    { how: 'the Last-Event-ID header', resume: (id: string) => ({ query: {}, headers: { 'last-event-id': id } }) },
    { how: '?after=', resume: (id: string) => ({ query: { after: id }, headers: {} }) },
  ])('gives a page that reconnects with $how only what it missed, in order', async ({ resume }) => {
    const conversationId = newConversation('resume');
    const first = await open({ conversationId });
    await agentSays(server, conversationId, 'one');
    const seen = await first.nextReplies('"one"');
    expect(seen.texts).toEqual(['one']);
    first.close();

    await agentSays(server, conversationId, 'two');
    await agentSays(server, conversationId, 'three');
    const { query, headers } = resume(seen.id!);
    const again = await open({ conversationId, ...query }, headers);

    expect((await again.nextReplies('"two"')).texts).toEqual(['two']);
    expect((await again.nextReplies('"three"')).texts).toEqual(['three']);
    await agentSays(server, conversationId, 'four');
    expect((await again.nextReplies('"four", pushed live')).texts).toEqual(['four']);
  });

  it('writes and pushes a send retried after a crash between the two once, however often it comes again', async () => {
    const conversationId = newConversation('retried');
    const buyer = { channel: 'webchat', conversationId, buyerId: conversationId };
    const said = await fetch(`${server.url}/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId, messageId: 'm1', text: '在吗' }) });
    expect(said.status).toBe(200);
    const page = await open({ conversationId });
    // The process dies after writing the transcript and before the push: its push fails once.
    const { mailbox } = server.kefu;
    const append = mailbox.append.bind(mailbox);
    mailbox.append = () => {
      mailbox.append = append;
      return Promise.reject(new Error('connection lost'));
    };
    const send = () => server.kefu.conversations.sendToBuyer(buyer, [{ text: '亲,地址已改好' }], 'agent', Date.now(), 'desk:event-7');
    await expect(send()).rejects.toThrow('connection lost');
    await send(); // the desk event's retry
    await send(); // and a duplicate delivery of it
    await agentSays(server, conversationId, 'next');

    expect((await page.nextReplies('the retried send')).texts).toEqual(['亲,地址已改好']);
    expect((await page.nextReplies('the message after it')).texts).toEqual(['next']);
    const session = (await server.kefu.desk.sessions.load(`webchat:${conversationId}`)) as { turns: { from: string; text: string }[] };
    expect(session.turns.filter((turn) => turn.from === 'agent').map((turn) => turn.text)).toEqual(['亲,地址已改好', 'next']);
  });

  it('never shows one conversation\'s pushes to another', async () => {
    const alice = newConversation('alice');
    const bob = newConversation('bob');
    const alicePage = await open({ conversationId: alice });
    const bobPage = await open({ conversationId: bob });

    await agentSays(server, alice, 'for Alice');
    await agentSays(server, bob, 'for Bob');
    await agentSays(server, alice, 'Alice again');
    await agentSays(server, bob, 'Bob again');

    // Order proves absence: had Bob's push reached Alice, it would sit between her two events.
    expect((await alicePage.nextReplies('Alice\'s first')).texts).toEqual(['for Alice']);
    expect((await alicePage.nextReplies('Alice\'s second')).texts).toEqual(['Alice again']);
    expect((await bobPage.nextReplies('Bob\'s first')).texts).toEqual(['for Bob']);
    expect((await bobPage.nextReplies('Bob\'s second')).texts).toEqual(['Bob again']);
  });

  it.each([
    { what: 'no conversationId', query: '' },
    { what: 'a conversationId with illegal characters', query: 'conversationId=a%20b%2F..' },
    { what: 'a conversationId over 128 characters', query: `conversationId=${'a'.repeat(129)}` },
    { what: 'two conversationIds', query: 'conversationId=a&conversationId=b' },
    { what: 'an after id that is not an event id', query: 'conversationId=a&after=latest' },
    { what: 'an after id with a third part', query: 'conversationId=a&after=1-2-3' },
  ])('refuses $what with 400 and a JSON error', async ({ query }) => {
    const response = await fetch(`${server.url}/webchat/events?${query}`);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  it('refuses a Last-Event-ID header that is not an event id with 400', async () => {
    const response = await fetch(`${server.url}/webchat/events?conversationId=a`, { headers: { 'last-event-id': '../../etc' } });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/Last-Event-ID/) });
  });
});

describe('two server processes on one Redis', () => {
  const prefix = uniquePrefix('webchat-push-shared');
  let pageServer: RunningServer;
  let agentServer: RunningServer;
  const streams: EventStream[] = [];

  beforeAll(async () => {
    // The same REDIS_URL and key prefix: two replicas of one shop behind a load balancer.
    const env = { KEFU__SESSIONS__KEYPREFIX: prefix };
    [pageServer, agentServer] = await Promise.all([
      startTestKefu({ redisUrl: sharedRedisUrl, env }),
      startTestKefu({ redisUrl: sharedRedisUrl, env }),
    ]);
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await Promise.all([pageServer?.close(), agentServer?.close()]);
    const client = new Redis(sharedRedisUrl);
    await deleteKeysByPrefix(client, prefix);
    client.disconnect();
  });

  it('delivers a push made through one server to a page open on the other', async () => {
    const conversationId = newConversation('cross');
    const page = await openStream(pageServer.url, { conversationId });
    streams.push(page);

    await agentSays(agentServer, conversationId, 'agent here, on the other server');

    expect((await page.nextReplies('the push from the other server')).texts).toEqual(['agent here, on the other server']);
  });

  it('lets a page reconnect to the other server and get what it missed there', async () => {
    const conversationId = newConversation('cross-resume');
    const page = await openStream(pageServer.url, { conversationId });
    streams.push(page);
    await agentSays(agentServer, conversationId, 'seen on the first server');
    const seen = await page.nextReplies('the first push');
    page.close();

    await agentSays(pageServer, conversationId, 'missed while away');
    const again = await openStream(agentServer.url, { conversationId }, { 'last-event-id': seen.id! });
    streams.push(again);

    expect((await again.nextReplies('the missed push')).texts).toEqual(['missed while away']);
  });
});
