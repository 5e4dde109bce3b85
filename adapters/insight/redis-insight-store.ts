// The insight store on Redis, shared by every Kefu process:
//   <prefix>insight:{<family>:<hour>}:<m|h>:<bucket>
//                                             hash of counters for one minute / hour (HINCRBY; expiring);
//                                             a minute's key and its hour's share the hour's hash tag,
//                                             so the transaction adding to both stays in one Cluster slot
//   <prefix>insight:{open}                    hash conversation key → state (JSON), merged per turn by a script
//   <prefix>insight:{open}:quiet              sorted set conversation key by last message time (same slot)
//   <prefix>insight:presale:<buyer>           time of the buyer's last pre-sale turn (expiring)
//   <prefix>insight:once:<key>                SET NX markers (expiring)
//   <prefix>insight:misunderstood             list of not-understood messages, newest first, trimmed

import type { RedisClient } from '../stores/redis/redis-connection.ts';
import {
  BUCKET_MS,
  bucketOf,
  presaleBuyerKey,
  type ConversationTurn,
  type CounterFamily,
  type Granularity,
  type InsightStore,
  type MisunderstoodMessage,
  type OpenConversation,
} from '../../dialogs/insight/insight-store.ts';
import { BUCKET_KEEP_MS } from './bucket-retention.ts';

const GRANULARITIES: readonly Granularity[] = ['minute', 'hour'];
/** A read covers at most this many buckets (a week of hours); a larger range is a caller's bug. */
const MAX_READ_BUCKETS = 200;

// Takes quiet conversations out of the open set atomically, so each goes to one process only.
const TAKE_QUIET = `
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, key in ipairs(keys) do
  redis.call('ZREM', KEYS[1], key)
  local state = redis.call('HGET', KEYS[2], key)
  redis.call('HDEL', KEYS[2], key)
  if state then table.insert(out, state) end
end
return out`;

// Merges turns, in order, into their conversations' open states and files each in the quiet index,
// atomically, so two processes noting turns of one conversation at once lose no update and only one
// is told the conversation is new. Same merge as mergeTurn in dialogs/insight/insight-store.ts (the
// contract tests run both). Both keys carry the {open} hash tag: one slot, as Redis Cluster requires.
// A process sends all its turns of a second in one call (insight-recorder.ts), so this slot sees a
// call per process per second rather than one per message.
// cjson writes numbers with 14 significant digits: millisecond times (13 digits) come back exact.
// KEYS[1]: the open hash; KEYS[2]: the quiet index.
// ARGV: 7 per turn: conversation key, channel, buyer id, time, outcome, hand-off reason ('' for none), pre-sale ('1'/'0').
// Returns one number per turn: 1 when its conversation was not open before it.
const NOTE_TURNS = `
local out = {}
for i = 1, #ARGV, 7 do
  local key = ARGV[i]
  local stored = redis.call('HGET', KEYS[1], key)
  local previous = nil
  if stored then previous = cjson.decode(stored) end
  local at = tonumber(ARGV[i + 3])
  local state = { key = key, channel = ARGV[i + 1], buyerId = ARGV[i + 2], lastOutcome = ARGV[i + 4], firstAt = at, lastAt = at, handoffReason = cjson.null, presale = ARGV[i + 6] == '1' }
  if ARGV[i + 5] ~= '' then state.handoffReason = ARGV[i + 5] end
  if previous then
    state.firstAt = tonumber(previous.firstAt) or at
    state.lastAt = math.max(tonumber(previous.lastAt) or 0, at)
    if previous.handoffReason ~= nil and previous.handoffReason ~= cjson.null then state.handoffReason = previous.handoffReason end
    state.presale = previous.presale == true or state.presale
  end
  redis.call('HSET', KEYS[1], key, cjson.encode(state))
  redis.call('ZADD', KEYS[2], string.format('%.17g', state.lastAt), key)
  if previous then out[#out + 1] = 0 else out[#out + 1] = 1 end
end
return out`;

/** Turns per script call: a call's arguments stay far below Redis's limits, and one call stays short. */
const TURNS_PER_CALL = 500;

interface InsightCommands {
  kefuInsightNoteTurns(open: string, quiet: string, ...args: (string | number)[]): Promise<number[]>;
}

export class RedisInsightStore implements InsightStore {
  private readonly client: RedisClient;
  private readonly prefix: string;

  constructor(options: { client: RedisClient; prefix: string }) {
    this.client = options.client;
    this.prefix = `${options.prefix}insight:`;
    const client = options.client as unknown as Partial<InsightCommands> & RedisClient;
    if (!client.kefuInsightNoteTurns) client.defineCommand('kefuInsightNoteTurns', { lua: NOTE_TURNS, numberOfKeys: 2 });
  }

  private bucketKey(family: CounterFamily, granularity: Granularity, bucket: number): string {
    const hour = granularity === 'hour' ? bucket : Math.floor((bucket * BUCKET_MS.minute) / BUCKET_MS.hour);
    return `${this.prefix}{${family === 'counts' ? 'c' : 'p'}:${hour}}:${granularity === 'minute' ? 'm' : 'h'}:${bucket}`;
  }

  async add(at: number, family: CounterFamily, increments: Record<string, number>): Promise<void> {
    const entries = Object.entries(increments).filter(([, by]) => by !== 0);
    if (entries.length === 0) return;
    const multi = this.client.multi();
    for (const granularity of GRANULARITIES) {
      const bucket = bucketOf(at, granularity);
      const key = this.bucketKey(family, granularity, bucket);
      for (const [field, by] of entries) multi.hincrby(key, field, by);
      // Expire counted from the bucket's end, so a late write never makes a bucket live longer.
      multi.pexpireat(key, (bucket + 1) * BUCKET_MS[granularity] + BUCKET_KEEP_MS[family][granularity]);
    }
    await multi.exec();
  }

  async read(family: CounterFamily, granularity: Granularity, from: number, to: number): Promise<Record<string, number>[]> {
    if (to < from) return [];
    if (to - from + 1 > MAX_READ_BUCKETS) throw new Error(`cannot read more than ${MAX_READ_BUCKETS} buckets at once`);
    // Not one pipeline: on a Cluster the buckets of different hours live on different nodes. Made in
    // one tick, the reads still leave together (auto-pipelining), one write per node.
    const reads: Promise<Record<string, string>>[] = [];
    for (let bucket = from; bucket <= to; bucket++) reads.push(this.client.hgetall(this.bucketKey(family, granularity, bucket)));
    return (await Promise.all(reads)).map((value) => {
      const record: Record<string, number> = {};
      for (const [field, count] of Object.entries(value)) record[field] = Number(count);
      return record;
    });
  }

  async noteTurns(turns: readonly ConversationTurn[], presale?: { keepMs: number }): Promise<boolean[]> {
    const open = `${this.prefix}{open}`;
    const quiet = `${this.prefix}{open}:quiet`;
    const client = this.client as unknown as InsightCommands;
    const calls: Promise<number[]>[] = [];
    for (let from = 0; from < turns.length; from += TURNS_PER_CALL) {
      const args = turns.slice(from, from + TURNS_PER_CALL).flatMap((turn) => [turn.key, turn.channel, turn.buyerId, turn.at, turn.outcome, turn.handoffReason ?? '', turn.presale ? '1' : '0']);
      calls.push(client.kefuInsightNoteTurns(open, quiet, ...args));
    }
    // A buyer's pre-sale mark is a key of another slot, so it cannot be in the script. Sent in the
    // same tick, they leave in one write with it on one Redis (the client's auto-pipelining,
    // redis-connection.ts), one per node on a Cluster.
    const marks = presale ? turns.filter((turn) => turn.presale).map((turn) => this.markPresaleBuyer(presaleBuyerKey(turn), turn.at, presale.keepMs)) : [];
    const [answers] = await Promise.all([Promise.all(calls), Promise.all(marks)]);
    return answers.flat().map((isNew) => isNew === 1);
  }

  async openConversation(key: string): Promise<OpenConversation | null> {
    const value = await this.client.hget(`${this.prefix}{open}`, key);
    return value ? (JSON.parse(value) as OpenConversation) : null;
  }

  async takeQuietConversations(quietSince: number, limit: number): Promise<OpenConversation[]> {
    const states = (await this.client.eval(TAKE_QUIET, 2, `${this.prefix}{open}:quiet`, `${this.prefix}{open}`, quietSince, limit)) as string[];
    return states.map((s) => JSON.parse(s) as OpenConversation);
  }

  async markPresaleBuyer(buyerKey: string, at: number, keepMs: number): Promise<void> {
    await this.client.set(`${this.prefix}presale:${buyerKey}`, String(at), 'PX', keepMs);
  }

  async lastPresale(buyerKey: string): Promise<number | null> {
    const value = await this.client.get(`${this.prefix}presale:${buyerKey}`);
    return value === null ? null : Number(value);
  }

  async claimOnce(key: string, keepMs: number): Promise<boolean> {
    return (await this.client.set(`${this.prefix}once:${key}`, '1', 'PX', keepMs, 'NX')) === 'OK';
  }

  async keepMisunderstood(message: MisunderstoodMessage, keep: number): Promise<void> {
    await this.client.multi().lpush(`${this.prefix}misunderstood`, JSON.stringify(message)).ltrim(`${this.prefix}misunderstood`, 0, keep - 1).exec();
  }

  async listMisunderstood(): Promise<MisunderstoodMessage[]> {
    const values = await this.client.lrange(`${this.prefix}misunderstood`, 0, -1);
    return values.map((v) => JSON.parse(v) as MisunderstoodMessage);
  }

  async forgetMisunderstood(texts: string[]): Promise<void> {
    const forget = new Set(texts);
    const values = await this.client.lrange(`${this.prefix}misunderstood`, 0, -1);
    const removals = [...new Set(values)].filter((value) => forget.has((JSON.parse(value) as MisunderstoodMessage).text));
    await Promise.all(removals.map((value) => this.client.lrem(`${this.prefix}misunderstood`, 0, value)));
  }
}
