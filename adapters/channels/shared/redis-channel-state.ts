// The production ChannelState, on Redis, shared by every Kefu process:
//   <prefix>channel:{<name>}:inbox      a Stream with a consumer group; the webhook answers the
//                                       platform only after XADD succeeded, so an acknowledged
//                                       message is in Redis; an entry is deleted once handled
//   <prefix>channel:{<name>}:seen:<id>  SET NX, written in the same Lua call as the XADD: a
//                                       redelivered message id is queued once, and a failed XADD
//                                       never marks an id as seen; kept while the push could
//                                       still be accepted (channel-state.ts, seenKeepMs)
//   <prefix>channel:{<name>}:dead      messages set aside after maxAttempts, for a person to look at
//   <prefix>channel:{<name>}:order:<c> the inbox ids of conversation c's messages not handled yet, in
//                                       the order the platform delivered them: a process that took a
//                                       later message waits until the earlier ones are handled
//   <prefix>channel:<name>:options:<c>  the numbered options conversation c was last shown
//   <prefix>channel:<name>:context:<c>  the product / order card conversation c last wrote from
//   <prefix>channel:<name>:sent:{<c>}:<id>   the send record of the answer to message id: a hash,
//                                       platform message index → "pending" (marked before the
//                                       call) or "sent"; under conversation c's hash tag
//   <prefix>channel:<name>:recalled:<id> the buyer took message id back (not to be answered)
// The braces are a Redis Cluster hash tag (redis-keys.ts): the enqueue script and the dead-letter
// transaction touch the inbox with a seen mark or the dead stream, so those keys share one slot.
// A failed message stays pending in the group: this process retries it after a growing pause, and if
// this process dies, another claims it (XAUTOCLAIM) once it has been idle for claimIdleMs.
// On a Redis Cluster, a push is acknowledged to the platform, and a send marked pending, only once a
// replica has the write too (WAIT in the same write, replica-wait.ts): a master SIGKILLed before
// its replica had them lost acknowledged Lazada messages in the soak (a conversation's last three,
// after the failover), and a lost pending mark would let a retry send a bubble twice.
// Several processes read the inbox, so two messages of one conversation can be taken by two of them;
// the order list keeps them in delivery order (measured with `npm run soak`: without it, 23 of 100
// Lazada messages were answered out of order across three workers).

import { randomUUID } from 'node:crypto';
import { channelKeyBase, conversationTag } from '../../stores/redis/redis-keys.ts';
import type { RedisClient } from '../../stores/redis/redis-connection.ts';
import { NotReplicatedError, ReplicaWait } from '../../stores/redis/replica-wait.ts';
import { conversationKey } from '../../../dialogs/conversations.ts';
import type { InboundMessage } from '../../../dialogs/messages.ts';
import type { Logger } from '../../../dialogs/ports.ts';
import { MAX_FUTURE_SKEW_MS } from './push-reading.ts';
import { handleByConversation, retryDelayMs, seenKeepMs, type ChannelState, type ChannelStateOptions, type InboxHandler, type NoteName, type PushWindow, type SendStep } from './channel-state.ts';

export interface RedisChannelStateOptions extends ChannelStateOptions {
  client: RedisClient;
  /** Key prefix (the sessions' prefix, e.g. "kefu:"). */
  prefix: string;
  /** The channel's name, e.g. "lazada". */
  channel: string;
  /** An entry another process took and did not finish for this long is taken over (its process died). */
  claimIdleMs: number;
  /** How long one read waits for new messages; bounds how quickly close() returns. */
  blockMs?: number;
  /** How long an acknowledged write waits for a replica's confirmation on a Redis Cluster (replica-wait.ts). Default 500. */
  replicaWaitMs?: number;
  logger: Logger;
}

const GROUP = 'kefu';
const FIELD = 'm';

// SET NX, XADD and the conversation's order list together, atomically: queued exactly when first seen.
// A redelivery rewrites the seen mark's expiry (to what it was): a write, so that a WAIT after it
// covers the first delivery's XADD, which another process (another connection) may have made and not
// seen confirmed by a replica (replica-wait.ts: WAIT covers its own connection's writes).
const ENQUEUE = `
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  local id = redis.call('XADD', KEYS[2], '*', '${FIELD}', ARGV[2])
  redis.call('RPUSH', KEYS[3], id)
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
  return 1
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return 0`;

// The send record's first step, in one call: mark the message pending unless it was marked before,
// and say what was there. KEYS[1] the record; ARGV[1] the index, ARGV[2] seconds to keep the record.
const BEGIN_SEND = `
if redis.call('HSETNX', KEYS[1], ARGV[1], 'pending') == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return 'send'
end
if redis.call('HGET', KEYS[1], ARGV[1]) == 'sent' then return 'sent' end
return 'unknown'`;

/** How often a message waiting for an earlier one of its conversation looks again. */
const ORDER_POLL_MS = 25;

interface Entry {
  id: string;
  message: InboundMessage;
  attempt: number;
  /** When it started waiting for an earlier message of its conversation, if it did. */
  waitingSince?: number;
}

export class RedisChannelState implements ChannelState {
  private readonly client: RedisClient;
  private reader: RedisClient | null = null;
  /** Inbox, seen marks and dead letters: one hash tag (the channel's name), as the scripts need. */
  private readonly base: string;
  /** Per-conversation and per-message notes: no tag, so they spread over the Cluster's shards. */
  private readonly spread: string;
  private readonly inbox: string;
  private readonly consumer = `c-${randomUUID()}`;
  private closed = false;
  private loop: Promise<void> | null = null;
  /** Entries that failed or wait here: id → when to try again, attempts so far, and since when it waits for an earlier one. */
  private readonly retries = new Map<string, { dueAt: number; attempt: number; waitingSince?: number }>();
  private readonly replicas: ReplicaWait;

  constructor(private readonly options: RedisChannelStateOptions) {
    this.client = options.client;
    this.base = channelKeyBase(options.prefix, options.channel);
    this.spread = `${options.prefix}channel:${options.channel}:`;
    this.inbox = `${this.base}inbox`;
    this.replicas = new ReplicaWait({ client: options.client, timeoutMs: options.replicaWaitMs, logger: options.logger });
  }

  async enqueue(message: InboundMessage, window?: PushWindow): Promise<'queued' | 'duplicate'> {
    const keepMs = seenKeepMs(this.options.dedupeSeconds, window);
    const order = this.orderKey(message);
    const args = [ENQUEUE, 3, `${this.base}seen:${message.id}`, this.inbox, order, String(keepMs), JSON.stringify(message), String(this.options.dedupeSeconds * 1000)] as const;
    // NotReplicatedError (queued on the master, not yet on its replica) fails the push like any
    // Redis error: the platform's retry answer, and the redelivery is a duplicate once confirmed.
    const added = this.replicas.enabled ? (await this.replicas.write(this.inbox, (pipeline) => pipeline.eval(...args)))[0] : await this.client.eval(...args);
    return added === 1 ? 'queued' : 'duplicate';
  }

  start(handler: InboxHandler): void {
    if (this.loop) return;
    this.loop = this.run(handler);
  }

  async remember(conversationKey: string, note: NoteName, value: unknown): Promise<void> {
    const key = `${this.spread}${note}:${conversationKey}`;
    if (value === null) await this.client.del(key);
    else await this.client.set(key, JSON.stringify(value), 'EX', this.options.optionsSeconds);
  }

  async recall<T>(conversationKey: string, note: NoteName): Promise<T | null> {
    const stored = await this.client.get(`${this.spread}${note}:${conversationKey}`);
    if (!stored) return null;
    try {
      return JSON.parse(stored) as T;
    } catch {
      return null;
    }
  }

  async beginSend(conversationKey: string, deliveryId: string, index: number): Promise<SendStep> {
    const key = this.sendsKey(conversationKey, deliveryId);
    const args = [BEGIN_SEND, 1, key, String(index), String(this.options.dedupeSeconds)] as const;
    // The pending mark must outlive a failover before the call goes out: lost, a retry would send again.
    let step: unknown;
    try {
      step = this.replicas.enabled ? (await this.replicas.write(key, (pipeline) => pipeline.eval(...args)))[0] : await this.client.eval(...args);
    } catch (error) {
      // Marked on the master but not confirmed: nothing was sent, so the mark is taken back (else
      // the retry would find it pending, think the call may have gone out, and never send it).
      if (error instanceof NotReplicatedError && error.replies?.[0] === 'send') await this.client.hdel(key, String(index)).catch(() => {});
      throw error;
    }
    return step === 'send' || step === 'sent' ? step : 'unknown';
  }

  async endSend(conversationKey: string, deliveryId: string, index: number, outcome: 'sent' | 'not_sent'): Promise<void> {
    const key = this.sendsKey(conversationKey, deliveryId);
    if (outcome === 'sent') await this.client.hset(key, String(index), 'sent');
    else await this.client.hdel(key, String(index));
  }

  private sendsKey(conversationKey: string, deliveryId: string): string {
    return `${this.spread}sent:${conversationTag(conversationKey)}:${deliveryId}`;
  }

  async markRecalled(messageId: string): Promise<void> {
    await this.client.set(`${this.spread}recalled:${messageId}`, '1', 'PX', this.options.dedupeSeconds * 1000 + MAX_FUTURE_SKEW_MS);
  }

  async isRecalled(messageId: string): Promise<boolean> {
    return (await this.client.exists(`${this.spread}recalled:${messageId}`)) === 1;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader?.disconnect();
    await this.loop?.catch(() => {});
  }

  private async run(handler: InboxHandler): Promise<void> {
    let pause = 50;
    while (!this.closed) {
      try {
        await this.ensureGroup();
        const entries = await this.nextEntries();
        await handleByConversation(entries, (entry) => this.handleOne(handler, entry));
        pause = 50;
      } catch (error) {
        if (this.closed) return;
        // A Redis that came back empty has lost the consumer group too: make it again next time.
        this.groupReady = false;
        // Redis is away: keep trying, with a capped pause; nothing is acknowledged meanwhile.
        this.options.logger.warn({ err: (error as Error).message, channel: this.options.channel }, 'channel inbox unavailable; retrying');
        await sleep(pause);
        pause = Math.min(pause * 2, 2000);
      }
    }
  }

  private groupReady = false;

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.client.xgroup('CREATE', this.inbox, GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
    this.groupReady = true;
  }

  private async nextEntries(): Promise<Entry[]> {
    // 1. this process's own failed entries that are due again
    const now = Date.now();
    const due = [...this.retries].filter(([, retry]) => retry.dueAt <= now).map(([id]) => id);
    if (due.length > 0) {
      const entries: Entry[] = [];
      for (const id of due.slice(0, 20)) {
        const retry = this.retries.get(id)!;
        this.retries.delete(id);
        const found = (await this.client.xrange(this.inbox, id, id)) as [string, string[]][];
        const entry = found[0] && toEntry(found[0], retry.attempt + 1);
        if (entry) entries.push(retry.waitingSince === undefined ? entry : { ...entry, waitingSince: retry.waitingSince });
      }
      if (entries.length > 0) return entries;
    }
    // 2. entries a dead process left unfinished
    const claimed = (await this.client.xautoclaim(this.inbox, GROUP, this.consumer, this.options.claimIdleMs, '0-0', 'COUNT', 20)) as [string, [string, string[]][]];
    const taken = (claimed[1] ?? []).filter((raw) => raw && !this.retries.has(raw[0]));
    if (taken.length > 0) return this.readable(taken, 2);
    // 3. new entries; a blocking read needs a connection of its own
    this.reader ??= this.client.duplicate();
    // Something of this process's is due soon (a retry; a message waiting for an earlier one, which is
    // looked at again every ORDER_POLL_MS): do not block past it.
    const waiting = [...this.retries.values()].some((retry) => retry.waitingSince !== undefined);
    const block = this.retries.size > 0 ? Math.min(this.options.blockMs ?? 1000, waiting ? ORDER_POLL_MS : 200) : (this.options.blockMs ?? 1000);
    const read = (await this.reader.xreadgroup('GROUP', GROUP, this.consumer, 'COUNT', 20, 'BLOCK', block, 'STREAMS', this.inbox, '>')) as
      | [string, [string, string[]][]][]
      | null;
    return this.readable(read?.[0]?.[1] ?? [], 1);
  }

  /** The entries that hold a message; anything else (written by hand, say) is removed, not retried forever. */
  private async readable(raws: [string, string[]][], attempt: number): Promise<Entry[]> {
    const entries: Entry[] = [];
    for (const raw of raws) {
      const entry = toEntry(raw, attempt);
      if (entry) entries.push(entry);
      else {
        this.options.logger.error({ entry: raw[0], channel: this.options.channel }, 'unreadable inbox entry removed');
        await this.client.multi().xack(this.inbox, GROUP, raw[0]).xdel(this.inbox, raw[0]).exec();
      }
    }
    return entries;
  }

  private orderKey(message: InboundMessage): string {
    return `${this.base}order:${conversationKey(message.conversation)}`;
  }

  /**
   * True when an earlier message of the entry's conversation is still in the inbox (taken by
   * another process, or waiting for its retry). Ids of the order list no longer in the inbox (handled
   * by a process that died before tidying up, or lost in a failover) are dropped as they are found.
   */
  private async earlierPending(entry: Entry): Promise<boolean> {
    const order = this.orderKey(entry.message);
    for (;;) {
      const head = await this.client.lindex(order, 0);
      if (head === null || head === entry.id || !streamIdBefore(head, entry.id)) return false;
      const found = (await this.client.xrange(this.inbox, head, head)) as unknown[];
      if (found.length > 0) return true;
      await this.client.lrem(order, 1, head);
    }
  }

  private async handleOne(handler: InboxHandler, entry: Entry): Promise<void> {
    const now = Date.now();
    const waitingSince = entry.waitingSince ?? now;
    // An earlier message that stays pending longer than a dead process's claim lasts is stuck (it
    // keeps failing): the later one goes ahead rather than the conversation waiting for it forever.
    if (now - waitingSince < 2 * this.options.claimIdleMs && (await this.earlierPending(entry))) {
      this.retries.set(entry.id, { dueAt: now + ORDER_POLL_MS, attempt: entry.attempt - 1, waitingSince });
      return;
    }
    if (entry.waitingSince !== undefined && now - waitingSince >= 2 * this.options.claimIdleMs) {
      this.options.logger.warn({ messageId: entry.message.id, channel: this.options.channel }, 'an earlier message of this conversation is stuck; answering this one first');
    }
    try {
      await handler(entry.message, entry.attempt);
    } catch (error) {
      if (entry.attempt < this.options.maxAttempts) {
        const delay = retryDelayMs(this.options, entry.attempt, error);
        this.options.logger.warn({ err: (error as Error).message, messageId: entry.message.id, attempt: entry.attempt, retryInMs: delay }, 'buyer message failed; will retry');
        this.retries.set(entry.id, { dueAt: Date.now() + delay, attempt: entry.attempt });
        return;
      }
      this.options.logger.error({ err: (error as Error).message, messageId: entry.message.id, channel: this.options.channel }, 'buyer message set aside after repeated failures');
      // Moved in one transaction: the message is in the dead-letter list or still in the inbox, never in neither.
      await this.client
        .multi()
        .xadd(`${this.base}dead`, 'MAXLEN', '~', '10000', '*', FIELD, JSON.stringify(entry.message))
        .xack(this.inbox, GROUP, entry.id)
        .xdel(this.inbox, entry.id)
        .lrem(this.orderKey(entry.message), 1, entry.id)
        .exec();
      return;
    }
    await this.client.multi().xack(this.inbox, GROUP, entry.id).xdel(this.inbox, entry.id).lrem(this.orderKey(entry.message), 1, entry.id).exec();
  }
}

function toEntry(raw: [string, string[]], attempt: number): Entry | null {
  const [id, fields] = raw;
  const index = fields.indexOf(FIELD);
  const data = index >= 0 ? fields[index + 1] : undefined;
  if (!data) return null;
  try {
    return { id, message: JSON.parse(data) as InboundMessage, attempt };
  } catch {
    return null;
  }
}

/** Stream ids ("<ms>-<seq>") in the order Redis gave them. */
function streamIdBefore(a: string, b: string): boolean {
  const [aMs, aSeq] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split('-').map(BigInt) as [bigint, bigint];
  return aMs < bMs || (aMs === bMs && aSeq < bSeq);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
