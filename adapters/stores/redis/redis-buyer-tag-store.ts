// The production BuyerTagStore: one hash per buyer, "<prefix>buyer-tags:{<buyer>}", a field per tag
// holding the times of its newest signals (a JSON list), written by one script so two processes
// noting signals at once never lose one, and expiring keepSeconds after the last signal.

import type { BuyerSignals, BuyerTagStore, NotedSignals, TagSignal } from '../../../dialogs/buyers/buyer-tags.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';
import type { RedisClient } from './redis-connection.ts';

// KEYS[1]: the buyer's hash; ARGV: time, seconds to keep the hash, then per signal its tag and how
// many of its newest times to keep. Notes every signal of one turn (or order) in one call and answers
// the hash as it was before (HGETALL's flat list) and the noted fields as they are after, so the
// caller tells the tags gained without reading again. A field that is not a list of times (not ours)
// is read as no signal and, when noted, started afresh.
const NOTE_LUA = `
local before = redis.call('HGETALL', KEYS[1])
local fields = {}
for i = 1, #before, 2 do fields[before[i]] = before[i + 1] end
local at = tonumber(ARGV[1])
local noted = {}
for i = 3, #ARGV, 2 do
  local tag = ARGV[i]
  local times = {}
  local ok, stored = pcall(cjson.decode, fields[tag] or '[]')
  if ok and type(stored) == 'table' then
    for _, t in ipairs(stored) do if type(t) == 'number' then table.insert(times, t) end end
  end
  table.insert(times, at)
  table.sort(times)
  local keep = tonumber(ARGV[i + 1])
  while #times > keep do table.remove(times, 1) end
  local encoded = cjson.encode(times)
  redis.call('HSET', KEYS[1], tag, encoded)
  fields[tag] = encoded
  table.insert(noted, tag)
  table.insert(noted, encoded)
end
if #ARGV > 2 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return { before, noted }
`;

interface TagCommands {
  kefuBuyerTagNoteAll(key: string, at: number, seconds: number, ...signals: (string | number)[]): Promise<[string[], string[]]>;
}

export class RedisBuyerTagStore implements BuyerTagStore {
  constructor(private readonly options: { client: RedisClient; prefix: string }) {
    const client = options.client as unknown as Partial<TagCommands> & RedisClient;
    if (!client.kefuBuyerTagNoteAll) client.defineCommand('kefuBuyerTagNoteAll', { lua: NOTE_LUA, numberOfKeys: 1 });
  }

  async note(buyer: string, notes: readonly TagSignal[], at: number, keepSeconds: number): Promise<NotedSignals> {
    checkStoreKey(buyer, 'buyer');
    const seconds = ttlWholeSeconds(keepSeconds, 'keepSeconds');
    const args = notes.flatMap(({ tag, keepLast }) => [tag, Math.max(1, keepLast)]);
    const [before, noted] = await (this.options.client as unknown as TagCommands).kefuBuyerTagNoteAll(this.keyOf(buyer), at, seconds, ...args);
    const stored = pairs(before);
    return { before: signalsOf(stored), after: signalsOf({ ...stored, ...pairs(noted) }) };
  }

  async signals(buyer: string): Promise<BuyerSignals> {
    checkStoreKey(buyer, 'buyer');
    return signalsOf(await this.options.client.hgetall(this.keyOf(buyer)));
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

/** A flat [field, value, field, value…] list (HGETALL's reply inside a script) as a record. */
function pairs(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]!] = flat[i + 1]!;
  return record;
}

/** The stored fields as signals: each a JSON list of times; anything else counts as no signal. */
function signalsOf(stored: Record<string, string>): BuyerSignals {
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
