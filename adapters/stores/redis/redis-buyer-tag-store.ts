// The production BuyerTagStore: one hash per buyer, "<prefix>buyer-tags:{<buyer>}", a field per tag
// holding the times of its newest signals (a JSON list), written by one script so two processes
// noting signals at once never lose one, and expiring keepSeconds after the last signal.

import type { BuyerSignals, BuyerTagStore } from '../../../dialogs/buyers/buyer-tags.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';
import type { RedisClient } from './redis-connection.ts';

// KEYS[1]: the buyer's hash; ARGV: tag, time, how many to keep, seconds to keep the hash.
const NOTE_LUA = `
local times = {}
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored then times = cjson.decode(stored) end
table.insert(times, tonumber(ARGV[2]))
table.sort(times)
local keep = tonumber(ARGV[3])
while #times > keep do table.remove(times, 1) end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(times))
redis.call('EXPIRE', KEYS[1], ARGV[4])
return #times
`;

interface TagCommands {
  kefuBuyerTagNote(key: string, tag: string, at: number, keep: number, seconds: number): Promise<number>;
}

export class RedisBuyerTagStore implements BuyerTagStore {
  constructor(private readonly options: { client: RedisClient; prefix: string }) {
    const client = options.client as unknown as Partial<TagCommands> & RedisClient;
    if (!client.kefuBuyerTagNote) client.defineCommand('kefuBuyerTagNote', { lua: NOTE_LUA, numberOfKeys: 1 });
  }

  async note(buyer: string, tag: string, at: number, keepLast: number, keepSeconds: number): Promise<void> {
    checkStoreKey(buyer, 'buyer');
    const seconds = ttlWholeSeconds(keepSeconds, 'keepSeconds');
    await (this.options.client as unknown as TagCommands).kefuBuyerTagNote(this.keyOf(buyer), tag, at, Math.max(1, keepLast), seconds);
  }

  async signals(buyer: string): Promise<BuyerSignals> {
    checkStoreKey(buyer, 'buyer');
    const stored = await this.options.client.hgetall(this.keyOf(buyer));
    const signals: BuyerSignals = {};
    for (const [tag, json] of Object.entries(stored)) {
      try {
        const times = JSON.parse(json) as unknown;
        // cjson writes an empty list as {}; anything else unreadable counts as no signal.
        if (Array.isArray(times)) signals[tag] = times.filter((at): at is number => typeof at === 'number');
      } catch {
        // an unreadable field is no signal
      }
    }
    return signals;
  }

  async forget(buyer: string): Promise<void> {
    checkStoreKey(buyer, 'buyer');
    await this.options.client.del(this.keyOf(buyer));
  }

  /** Braced: on a Redis Cluster, one buyer's hash is one key on one shard anyway. */
  private keyOf(buyer: string): string {
    return `${this.options.prefix}buyer-tags:{${buyer}}`;
  }
}
