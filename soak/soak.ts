// The soak run (`npm run soak`, docs/scaling.md): several Kefu worker processes on a local Redis
// (soak-redis.ts: a Cluster of 3 masters and 3 replicas, or with `--redis single` one redis-server
// keeping its data in an append-only file), buyers on the web chat and on Lazada (through the
// loopback Lazada fake) sending numbered messages, while Redis fails (a Cluster master SIGKILLed, its
// replica takes over, started again 4 s later; or the single Redis SIGKILLed and started again 1.3 s
// later with its data) and then a worker is SIGKILLed and started again.
// Buyers behave as the real clients do: the web chat page sends one message at a time and retries
// the same messageId on 5xx or a lost connection, honouring Retry-After, for up to 90 s; Lazada
// pushes again (same message id) until a push is acknowledged.
//
// Then it counts, from what Kefu stored (each conversation's transcript) and what the buyers saw
// (web chat answers, Lazada bubbles sent):
//   lost          a message never handled (not in its transcript) or never answered;
//   unsure        Lazada answers stored but not sent because a worker died during their send call:
//                 Lazada takes no idempotency key, so Kefu cannot know whether the call went out and
//                 does not risk a second bubble (marketplace-outbound.ts); counted apart from lost;
//   duplicated    a message handled twice (twice in its transcript), or a Lazada bubble sent twice;
//   out_of_order  a message handled before one the buyer sent earlier in the same conversation.

import { randomInt } from 'node:crypto';
import { startSoakRedis, type SoakRedis, type SoakRedisShape } from './soak-redis.ts';
import { spawnKefu } from '../test/support/spawn-kefu.ts';
import { lazadaKit } from '../test/support/marketplace-kits.ts';
import { killWorker, type WorkerPool } from './worker-pool.ts';

export interface SoakOptions {
  /** Kefu worker processes. */
  workers: number;
  /** Conversations per channel (web chat and Lazada). */
  conversations: number;
  /** Messages per conversation. */
  turns: number;
  /** Kill Redis (a Cluster master, or the single server) and then a worker during the run, and start both again. */
  chaos: boolean;
  /** A Redis Cluster (the default) or one Redis server that keeps its data across its restart. */
  redis?: SoakRedisShape;
  log?: (line: string) => void;
}

export interface SoakResult {
  messages: number;
  lost: number;
  /** Messages handled twice plus marketplace bubbles sent twice. */
  duplicated: number;
  /** Of `duplicated`, the marketplace bubbles sent twice. */
  duplicatedBubbles: number;
  /** Marketplace answers not sent because their send's outcome was unknown after a crash (at most once). */
  unsure: number;
  outOfOrder: number;
  /** One line per problem found, for the report. */
  problems: string[];
}

/** Questions with one short answer each, so a message is one turn and one bubble. */
const QUESTIONS = ['发什么快递', '包邮吗', '几天能到', 'which courier do you use', '几点前下单当天发'];
/** How long a web chat message keeps being retried (the page's own limit). */
const KEEP_TRYING_MS = 90_000;
const PREFIX = 'soak:';
/** The Lazada channel's inbox stream (redis-channel-state.ts): on a Cluster its master is the one killed. */
const LAZADA_INBOX = `${PREFIX}channel:{lazada}:inbox`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** "发什么快递 w3-2": the channel letter, conversation and turn, which the transcript keeps. */
function messageText(channel: 'w' | 'l', conversation: number, turn: number): string {
  return `${QUESTIONS[turn % QUESTIONS.length]} ${channel}${conversation}-${turn}`;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {});
  const redis = await startSoakRedis(options.redis ?? 'cluster');
  const lazada = await lazadaKit.start();
  const env = {
    ...redis.env,
    KEFU__CONVERSATIONS__LASTTURNS: '100',
    ...lazadaKit.env(lazada.fake.url),
  };
  const start = () => spawnKefu({ keyPrefix: PREFIX, env, logLevel: 'info', readyTimeoutMs: 120_000 });
  const pool: WorkerPool = { workers: await Promise.all(Array.from({ length: options.workers }, start)), start };
  log(`soak: ${options.workers} workers on ${redis.description}; ${options.conversations} web chat and ${options.conversations} Lazada conversations × ${options.turns} messages`);

  const total = 2 * options.conversations * options.turns;
  let handled = 0;
  const progress = new Chaos(options.chaos ? redis : null, pool, total, log);
  const problems: string[] = [];
  const unanswered: string[] = [];
  try {
    const webConversations = Array.from({ length: options.conversations }, (_, c) => `soak-web-${c}-${randomInt(1e9)}`);
    const lazadaConversations = Array.from({ length: options.conversations }, () => lazadaKit.newConversation());
    const onHandled = () => {
      handled += 1;
      progress.at(handled);
    };
    await Promise.all([
      ...webConversations.map((id, c) => webBuyer(pool, id, c, options.turns, onHandled, unanswered)),
      ...lazadaConversations.map((id, c) => lazadaBuyer(pool, id, c, options.turns, onHandled, unanswered)),
    ]);
    await progress.done();
    // Lazada messages are handled after the push is acknowledged: wait until the channel's inbox is
    // empty and every bubble is sent (or give up), so a message still queued is told apart from one lost.
    const expected = options.conversations * options.turns;
    const inbox = LAZADA_INBOX;
    const giveUp = Date.now() + 60_000;
    let queued = await redis.streamLength(inbox);
    while ((lazada.sent().length < expected || queued > 0) && Date.now() < giveUp) {
      await sleep(100);
      queued = await redis.streamLength(inbox);
    }
    await sleep(1000); // a late duplicate would show now
    queued = await redis.streamLength(inbox);
    if (queued > 0) problems.push(`still in the Lazada inbox 60 s after the last push was acknowledged: ${queued} (counted as lost below if not in a transcript)`);

    const transcripts = await readTranscripts(redis);
    let lost = unanswered.length;
    let duplicated = 0;
    let duplicatedBubbles = 0;
    let unsure = 0;
    let outOfOrder = 0;
    problems.push(...unanswered.map((what) => `never answered: ${what}`));
    const check = (channel: 'w' | 'l', c: number, key: string) => {
      const turns = (transcripts.get(key) ?? []).filter((t) => t.channel === channel && t.conversation === c).map((t) => t.turn);
      for (let turn = 0; turn < options.turns; turn += 1) {
        const times = turns.filter((t) => t === turn).length;
        if (times === 0 && !unanswered.includes(`${channel}${c}-${turn}`)) {
          lost += 1;
          problems.push(`not in the transcript: ${channel}${c}-${turn}`);
        }
        if (times > 1) {
          duplicated += times - 1;
          problems.push(`handled ${times} times: ${channel}${c}-${turn}`);
        }
      }
      const once = turns.filter((t, i) => turns.indexOf(t) === i);
      for (let i = 1; i < once.length; i += 1) {
        if (once[i]! < once[i - 1]!) {
          outOfOrder += 1;
          problems.push(`out of order: ${channel}${c}-${once[i]} after ${channel}${c}-${once[i - 1]}`);
        }
      }
    };
    webConversations.forEach((id, c) => check('w', c, `webchat:${id}`));
    lazadaConversations.forEach((id, c) => {
      check('l', c, `lazada:${id}`);
      const bubbles = lazada.sent().filter((item) => item.conversationId === id).length;
      const botTurns = transcripts.get(`lazada:${id}`)?.botTurns ?? 0;
      if (bubbles > botTurns) {
        duplicated += bubbles - botTurns;
        duplicatedBubbles += bubbles - botTurns;
        problems.push(`Lazada conversation l${c}: ${bubbles} bubbles sent for ${botTurns} answers`);
      }
      // A send whose outcome was unknown (the worker died during the call) is not repeated: if the
      // platform never got it, the buyer misses that answer.
      if (bubbles < botTurns) {
        unsure += botTurns - bubbles;
        problems.push(`Lazada conversation l${c}: ${bubbles} bubbles sent for ${botTurns} answers (a send cut off by the crash is not repeated)`);
      }
    });
    return { messages: total, lost, duplicated, duplicatedBubbles, unsure, outOfOrder, problems };
  } finally {
    await Promise.all(pool.workers.map((worker) => worker.stop().catch(() => {})));
    await lazada.fake.close();
    await redis.stop();
  }
}

/** The buyer side of one web chat conversation: one message at a time, each retried until answered. */
async function webBuyer(pool: WorkerPool, conversationId: string, c: number, turns: number, onHandled: () => void, unanswered: string[]): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) {
    const body = JSON.stringify({ conversationId, messageId: `m${turn}`, text: messageText('w', c, turn) });
    const startedAt = Date.now();
    let attempt = 0;
    let answered = false;
    while (!answered && Date.now() - startedAt < KEEP_TRYING_MS) {
      const worker = pool.workers[(c + turn + attempt) % pool.workers.length]!;
      attempt += 1;
      try {
        const response = await fetch(`${worker.url}/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(15_000) });
        const answer = (await response.json().catch(() => null)) as { replies?: unknown[] } | null;
        if (response.ok && Array.isArray(answer?.replies)) answered = true;
        else if (![502, 503, 504].includes(response.status)) break;
        else await sleep(Math.min(2000, Number(response.headers.get('retry-after')) * 1000 || 200 * attempt));
      } catch {
        await sleep(Math.min(2000, 100 * attempt)); // a worker killed or restarting: try another
      }
    }
    if (!answered) unanswered.push(`w${c}-${turn}`);
    onHandled();
    await sleep(randomInt(20));
  }
}

/** The buyer side of one Lazada conversation: each push retried (same message id) until acknowledged. */
async function lazadaBuyer(pool: WorkerPool, conversationId: string, c: number, turns: number, onHandled: () => void, unanswered: string[]): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) {
    const raw = lazadaKit.buyerText(conversationId, messageText('l', c, turn), { messageId: `${conversationId}-${turn}` });
    const startedAt = Date.now();
    let attempt = 0;
    let acknowledged = false;
    while (!acknowledged && Date.now() - startedAt < KEEP_TRYING_MS) {
      const worker = pool.workers[(c + turn + attempt) % pool.workers.length]!;
      attempt += 1;
      try {
        const response = await fetch(worker.url + lazadaKit.pushPath, { method: 'POST', headers: lazadaKit.headers(raw), body: raw, signal: AbortSignal.timeout(15_000) });
        await response.arrayBuffer();
        if (response.status === 200) acknowledged = true;
        else await sleep(Math.min(2000, 200 * attempt));
      } catch {
        await sleep(Math.min(2000, 100 * attempt));
      }
    }
    if (!acknowledged) unanswered.push(`l${c}-${turn}`);
    onHandled();
    // Lazada's messages of one conversation come some milliseconds apart.
    await sleep(5 + randomInt(20));
  }
}

/**
 * Crashes Redis a fifth of the way through (a Cluster master, or the single server) and, once it
 * answers again (the replica promoted, or the server back), a worker (from two fifths of the way);
 * starts both again. Redis goes first because it answers again within seconds, while a new worker
 * takes tens of seconds to start on a busy machine: in the other order the failover came after the
 * last message (measured: "after 400 of 400 messages"). One failure at a time: a worker started
 * while Redis is away exits at start-up (the pool starts it again after a pause).
 */
class Chaos {
  private readonly pending: Promise<void>[] = [];
  private redisCrashed = false;
  private workerKilled = false;
  private handled = 0;
  /** Redis answers again after its crash. */
  private serving: Promise<void> = Promise.resolve();

  constructor(
    private readonly redis: SoakRedis | null,
    private readonly pool: WorkerPool,
    private readonly total: number,
    private readonly log: (line: string) => void,
  ) {}

  at(handled: number): void {
    this.handled = handled;
    if (!this.redis) return;
    if (!this.redisCrashed && handled >= this.total / 5) {
      this.redisCrashed = true;
      const { serving, back } = this.redis.crash(this.log, `after ${handled} of ${this.total} messages`, LAZADA_INBOX);
      this.serving = serving;
      this.pending.push(serving, back);
    }
    if (!this.workerKilled && handled >= (this.total * 2) / 5) {
      this.workerKilled = true;
      this.pending.push(
        this.serving.then(() => {
          this.log(`soak: worker kill after ${this.handled} of ${this.total} messages`);
          return killWorker(this.pool, 0, this.log);
        }),
      );
    }
  }

  done(): Promise<void> {
    return Promise.all(this.pending).then(() => {});
  }
}

interface TranscriptTurn {
  channel: string;
  conversation: number;
  turn: number;
}

/** Every conversation's buyer turns (channel, conversation, turn read back from the text) and bot turn count, by conversation key. */
async function readTranscripts(redis: SoakRedis): Promise<Map<string, TranscriptTurn[] & { botTurns?: number }>> {
  const found = new Map<string, TranscriptTurn[] & { botTurns?: number }>();
  for (const [key, json] of await redis.readStrings(`${PREFIX}session:*`)) {
    const session = JSON.parse(json) as { turns?: { from: string; text: string }[] };
    const conversation = /session:\{(.*)\}$/.exec(key)?.[1] ?? key;
    const turns: TranscriptTurn[] & { botTurns?: number } = [];
    for (const t of session.turns ?? []) {
      const tag = / ([wl])(\d+)-(\d+)$/.exec(t.text);
      if (t.from === 'buyer' && tag) turns.push({ channel: tag[1]!, conversation: Number(tag[2]), turn: Number(tag[3]) });
    }
    turns.botTurns = (session.turns ?? []).filter((t) => t.from === 'bot').length;
    found.set(conversation, turns);
  }
  return found;
}
