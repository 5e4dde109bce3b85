// The production DeliveryLedger: one Redis string per platform message id, under
// "<prefix>delivery:<key>". A pending claim holds "?" and lapses after its claim TTL; a completed one
// holds "=" followed by the result, kept for keepSeconds. claim() is SET NX, and when that finds the
// key taken, the same Lua script reads what holds it, so a claim is one round trip and atomic.

import type { RedisClient } from './redis-connection.ts';
import type { DeliveryClaim, DeliveryLedger } from '../../../dialogs/ports.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';

export interface RedisDeliveryLedgerOptions {
  client: RedisClient;
  /** Start of every key this ledger writes. Default "kefu:". */
  prefix?: string;
}

const PENDING = '?';
const DONE = '=';

// KEYS[1] the message key; ARGV[1] claim seconds. Returns {'new'}, {'in_progress'} or {'done', result}.
const CLAIM_LUA = `
if redis.call('SET', KEYS[1], '${PENDING}', 'NX', 'EX', ARGV[1]) then return {'new'} end
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, 1) == '${DONE}' then return {'done', string.sub(held, 2)} end
return {'in_progress'}
`;

// KEYS[1] the message key. Deletes it only while it is a pending claim, never a completed result.
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == '${PENDING}' then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface LedgerCommands {
  kefuLedgerClaim(key: string, claimSeconds: number): Promise<string[]>;
  kefuLedgerRelease(key: string): Promise<number>;
}

export class RedisDeliveryLedger implements DeliveryLedger {
  private readonly client: RedisClient;
  private readonly commands: LedgerCommands;
  private readonly prefix: string;

  constructor(options: RedisDeliveryLedgerOptions) {
    this.client = options.client;
    this.prefix = `${options.prefix ?? 'kefu:'}delivery:`;
    this.client.defineCommand('kefuLedgerClaim', { numberOfKeys: 1, lua: CLAIM_LUA });
    this.client.defineCommand('kefuLedgerRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
    this.commands = this.client as unknown as LedgerCommands;
  }

  async claim(messageKey: string, claimSeconds: number): Promise<DeliveryClaim> {
    checkStoreKey(messageKey, 'messageKey');
    const seconds = ttlWholeSeconds(claimSeconds, 'claimSeconds');
    const [status, result] = await this.commands.kefuLedgerClaim(this.prefix + messageKey, seconds);
    if (status === 'new') return { status: 'new' };
    if (status === 'done') return { status: 'done', result: result ?? '' };
    return { status: 'in_progress' };
  }

  async complete(messageKey: string, result: string, keepSeconds: number): Promise<void> {
    checkStoreKey(messageKey, 'messageKey');
    if (typeof result !== 'string') throw new TypeError('result must be a string');
    const seconds = ttlWholeSeconds(keepSeconds, 'keepSeconds');
    await this.client.set(this.prefix + messageKey, DONE + result, 'EX', seconds);
  }

  async release(messageKey: string): Promise<void> {
    checkStoreKey(messageKey, 'messageKey');
    await this.commands.kefuLedgerRelease(this.prefix + messageKey);
  }
}
