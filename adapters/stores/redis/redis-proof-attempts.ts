// The production ProofAttempts: one Redis counter per key, "<prefix>proof:<key>", counted up by
// INCR and set to expire a window after its first failure, in one script so that two processes
// counting at once never lose a try or leave a counter without its expiry.

import type { RedisClient } from './redis-connection.ts';
import type { ProofAttempts } from '../../../dialogs/commerce/order-proof.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';

export interface RedisProofAttemptsOptions {
  client: RedisClient;
  /** Start of every key this store writes. Default "kefu:". */
  prefix?: string;
}

// KEYS: the counters; ARGV[1]: window seconds. Returns each counter after the increment.
const RECORD_LUA = `
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[1]) end
  counts[i] = count
end
return counts
`;

interface ProofCommands {
  kefuProofRecord(...args: (string | number)[]): Promise<number[]>;
}

export class RedisProofAttempts implements ProofAttempts {
  private readonly client: RedisClient;
  private readonly prefix: string;

  constructor(options: RedisProofAttemptsOptions) {
    this.client = options.client;
    this.prefix = options.prefix ?? 'kefu:';
    if (!(this.client as unknown as Partial<ProofCommands>).kefuProofRecord) this.client.defineCommand('kefuProofRecord', { lua: RECORD_LUA });
  }

  async recordFailure(keys: readonly string[], windowSeconds: number): Promise<number[]> {
    const seconds = ttlWholeSeconds(windowSeconds, 'windowSeconds');
    for (const key of keys) checkStoreKey(key);
    if (keys.length === 0) return [];
    const commands = this.client as unknown as ProofCommands;
    return commands.kefuProofRecord(keys.length, ...keys.map((key) => this.keyOf(key)), seconds);
  }

  async failures(keys: readonly string[]): Promise<number[]> {
    for (const key of keys) checkStoreKey(key);
    if (keys.length === 0) return [];
    const values = await this.client.mget(...keys.map((key) => this.keyOf(key)));
    return values.map((value) => (value === null ? 0 : Number(value)));
  }

  private keyOf(key: string): string {
    return `${this.prefix}proof:${key}`;
  }
}
