// The production PushMailbox: one Redis Stream per key ("<prefix>push:{<key>}", redis-keys.ts, trimmed to the last 100
// items, expiring keepSeconds after the last append) plus a PUBLISH of the key on one channel
// ("<prefix>push"), so the process holding the buyer's page hears of an append made anywhere.
// Each mailbox opens one subscriber connection (a duplicate of the client, made on the first
// subscribe) and dispatches to its local listeners: one connection per process, not one per page.

import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-connection.ts';
import { pushStreamKey } from './redis-keys.ts';
import { silentLogger, type Logger } from '../../../dialogs/ports.ts';
import {
  PUSH_MAILBOX_KEEP_ITEMS,
  checkAfterId,
  checkPushData,
  readLimit,
  type PushItem,
  type PushMailbox,
} from '../push-mailbox.ts';
import { PushListeners } from '../push-listeners.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';

export interface RedisPushMailboxOptions {
  client: RedisClient;
  /** Start of every key and of the channel this mailbox uses. Default "kefu:". */
  prefix?: string;
  /** How long a key's items are kept after its last append. Default 86400 (a day). */
  keepSeconds?: number;
  /** Where a listener that throws, or trouble on the subscriber connection, is reported. */
  logger?: Logger;
}

/** The stream field that carries an item's data. */
const DATA_FIELD = 'd';

// An append made at most once per key and id: the id's marker (in the stream's hash tag, so one
// Cluster slot) holds the stream id of its append, and expires with the stream.
// KEYS[1]: the stream; KEYS[2]: the marker. ARGV: items kept, data, keep seconds, channel, key.
const APPEND_ONCE = `
local appended = redis.call('GET', KEYS[2])
if appended then return appended end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', '${DATA_FIELD}', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], id, 'EX', ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return id`;

interface AppendOnceCommand {
  kefuPushAppendOnce(stream: string, marker: string, keep: number, data: string, keepSeconds: number, channel: string, key: string): Promise<string>;
}

export class RedisPushMailbox implements PushMailbox {
  private readonly client: RedisClient;
  private readonly prefix: string;
  private readonly channel: string;
  private readonly keepSeconds: number;
  private readonly logger: Logger;
  private readonly listeners: PushListeners;
  private subscriber: RedisClient | null = null;
  private closed = false;
  private waitingForClient = false;

  constructor(options: RedisPushMailboxOptions) {
    this.client = options.client;
    const prefix = options.prefix ?? 'kefu:';
    this.prefix = prefix;
    this.channel = `${prefix}push`;
    this.keepSeconds = ttlWholeSeconds(options.keepSeconds ?? 86_400, 'keepSeconds');
    this.logger = options.logger ?? silentLogger;
    this.listeners = new PushListeners(this.logger);
    const client = this.client as unknown as Partial<AppendOnceCommand> & RedisClient;
    if (!client.kefuPushAppendOnce) client.defineCommand('kefuPushAppendOnce', { lua: APPEND_ONCE, numberOfKeys: 2 });
  }

  async append(key: string, data: string, onceId?: string): Promise<string> {
    checkStoreKey(key);
    checkPushData(data);
    const stream = pushStreamKey(this.prefix, key);
    if (onceId !== undefined) {
      checkStoreKey(onceId, 'onceId');
      const marker = `${stream}:once:${onceId}`;
      return (this.client as unknown as AppendOnceCommand).kefuPushAppendOnce(stream, marker, PUSH_MAILBOX_KEEP_ITEMS, data, this.keepSeconds, this.channel, key);
    }
    // One transaction, one round trip: the item exists before anyone is told about it. The trim is
    // exact rather than "~": with "~" Redis keeps whole nodes and could hold up to ~200 items.
    const replies = await this.client
      .multi()
      .xadd(stream, 'MAXLEN', String(PUSH_MAILBOX_KEEP_ITEMS), '*', DATA_FIELD, data)
      .expire(stream, this.keepSeconds)
      .publish(this.channel, key)
      .exec();
    if (replies === null) throw new Error('push mailbox append was aborted');
    for (const [error] of replies) if (error) throw error;
    const id = replies[0]?.[1];
    if (typeof id !== 'string') throw new Error('push mailbox append returned no id');
    return id;
  }

  async readAfter(key: string, afterId: string | null, limit?: number): Promise<PushItem[]> {
    checkStoreKey(key);
    checkAfterId(afterId);
    const entries = await this.client.xrange(
      pushStreamKey(this.prefix, key),
      afterId === null ? '-' : `(${afterId}`,
      '+',
      'COUNT',
      readLimit(limit),
    );
    return entries.map(([id, fields]) => ({ id, data: fieldValue(fields, DATA_FIELD) }));
  }

  subscribe(key: string, onAppend: () => void): () => void {
    if (this.closed) throw new Error('push mailbox is closed');
    const unsubscribe = this.listeners.add(key, onAppend);
    this.ensureSubscriber();
    return unsubscribe;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber === null) return;
    try {
      await subscriber.quit();
    } catch {
      subscriber.disconnect();
    }
  }

  /**
   * Opens the subscriber connection once. It subscribes on every "ready" rather than relying on the
   * offline queue (off, as on the main client) or on ioredis' auto-resubscribe. Each time the
   * subscription is in place it also tells every listener to read: appends made before it was (first
   * connect, or while reconnecting) were not heard, and a needless read costs little.
   */
  private ensureSubscriber(): void {
    if (this.subscriber !== null) return;
    const subscriber = subscriberOf(this.client);
    this.subscriber = subscriber;
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => this.dispatchAllWhenClientReady(),
        (error: unknown) => this.logger.warn({ err: error }, 'push mailbox could not subscribe'),
      );
    });
    subscriber.on('message', (channel: string, key: string) => {
      if (channel === this.channel) this.listeners.notify(key);
    });
    // Without a listener ioredis prints every reconnect failure; the main client reports outages.
    subscriber.on('error', (error: Error) => this.logger.debug({ err: error }, 'push subscriber connection error'));
  }

  /** Tells every listener to read, once the main client can serve the reads (it may reconnect later). */
  private dispatchAllWhenClientReady(): void {
    const dispatchAll = (): void => {
      this.waitingForClient = false;
      if (!this.closed) for (const key of this.listeners.keys()) this.listeners.notify(key);
    };
    if (this.client.status === 'ready') {
      dispatchAll();
    } else if (!this.waitingForClient) {
      this.waitingForClient = true;
      this.client.once('ready', dispatchAll);
    }
  }
}

function fieldValue(fields: string[], name: string): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1] ?? '';
  return '';
}

/**
 * A connection of its own for SUBSCRIBE. On a Cluster, PUBLISH reaches every node, so the duplicate
 * (which subscribes through one node it picks) hears appends made on any shard.
 */
function subscriberOf(client: RedisClient): RedisClient {
  if (client instanceof Cluster) {
    const name = client.options.redisOptions?.connectionName ?? 'kefu';
    return client.duplicate(undefined, {
      redisOptions: { ...client.options.redisOptions, autoResubscribe: false, connectionName: `${name}:push-subscriber` },
    });
  }
  return client.duplicate({ autoResubscribe: false, connectionName: `${client.options.connectionName ?? 'kefu'}:push-subscriber` });
}
