// The production ReminderLedger: one Redis hash per order, "<prefix>reminder:<orderId>", with the
// fields status, sent, lastSentAt, createdAt, closedAt and conversation (JSON). Every change is one
// Lua script, so it is atomic across processes; the hash expires keepSeconds after it was opened
// or closed.

import type { RedisClient } from './redis-connection.ts';
import type { ConversationRef } from '../../../dialogs/messages.ts';
import type { ReminderLedger, ReminderOrderStatus, ReminderRecord } from '../../../dialogs/reminders/reminder-ledger.ts';
import { checkStoreKey, ttlWholeSeconds } from '../store-input.ts';

// KEYS[1] the order's hash; ARGV conversation JSON, createdAt, keep seconds. Returns {created, fields}.
const OPEN_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, redis.call('HGETALL', KEYS[1])} end
redis.call('HSET', KEYS[1], 'status', 'unpaid', 'sent', '0', 'conversation', ARGV[1], 'createdAt', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, redis.call('HGETALL', KEYS[1])}
`;

// ARGV status, at, keep seconds. Returns {changed, fields before}.
const CLOSE_LUA = `
local before = redis.call('HGETALL', KEYS[1])
local status = redis.call('HGET', KEYS[1], 'status')
if status and status ~= 'unpaid' then return {0, before} end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'closedAt', ARGV[2])
if not status then redis.call('HSET', KEYS[1], 'sent', '0') end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {1, before}
`;

// ARGV n, at. Returns 1 when reminder n is now claimed.
const CLAIM_LUA = `
if redis.call('HGET', KEYS[1], 'status') ~= 'unpaid' then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'sent')) ~= tonumber(ARGV[1]) - 1 then return 0 end
redis.call('HSET', KEYS[1], 'sent', ARGV[1], 'lastSentAt', ARGV[2])
return 1
`;

// ARGV n, previous lastSentAt ('' for none).
const RELEASE_LUA = `
if tonumber(redis.call('HGET', KEYS[1], 'sent')) ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'sent', tostring(tonumber(ARGV[1]) - 1))
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], 'lastSentAt') else redis.call('HSET', KEYS[1], 'lastSentAt', ARGV[2]) end
return 1
`;

interface LedgerCommands {
  kefuReminderOpen(key: string, conversation: string, createdAt: number, keep: number): Promise<[number, string[]]>;
  kefuReminderClose(key: string, status: string, at: number, keep: number): Promise<[number, string[]]>;
  kefuReminderClaim(key: string, n: number, at: number): Promise<number>;
  kefuReminderRelease(key: string, n: number, previous: string): Promise<number>;
}

export interface RedisReminderLedgerOptions {
  client: RedisClient;
  /** Start of every key. Default "kefu:". */
  prefix?: string;
}

export class RedisReminderLedger implements ReminderLedger {
  private readonly client: RedisClient;
  private readonly commands: LedgerCommands;
  private readonly prefix: string;

  constructor(options: RedisReminderLedgerOptions) {
    const client = options.client;
    this.prefix = options.prefix ?? 'kefu:';
    client.defineCommand('kefuReminderOpen', { numberOfKeys: 1, lua: OPEN_LUA });
    client.defineCommand('kefuReminderClose', { numberOfKeys: 1, lua: CLOSE_LUA });
    client.defineCommand('kefuReminderClaim', { numberOfKeys: 1, lua: CLAIM_LUA });
    client.defineCommand('kefuReminderRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
    this.commands = client as unknown as LedgerCommands;
    this.client = client;
  }

  async open(orderId: string, conversation: ConversationRef, createdAt: number, keepSeconds: number) {
    const [created, fields] = await this.commands.kefuReminderOpen(this.key(orderId), JSON.stringify(conversation), createdAt, ttlWholeSeconds(keepSeconds, 'keepSeconds'));
    return { created: created === 1, record: recordOf(orderId, fields)! };
  }

  async close(orderId: string, status: 'paid' | 'cancelled', at: number, keepSeconds: number) {
    const [changed, fields] = await this.commands.kefuReminderClose(this.key(orderId), status, at, ttlWholeSeconds(keepSeconds, 'keepSeconds'));
    return { changed: changed === 1, before: recordOf(orderId, fields) };
  }

  async claimReminder(orderId: string, n: number, at: number): Promise<boolean> {
    return (await this.commands.kefuReminderClaim(this.key(orderId), n, at)) === 1;
  }

  async releaseReminder(orderId: string, n: number, previousSentAt: number | null): Promise<void> {
    await this.commands.kefuReminderRelease(this.key(orderId), n, previousSentAt === null ? '' : String(previousSentAt));
  }

  async get(orderId: string): Promise<ReminderRecord | null> {
    const fields = await this.client.hgetall(this.key(orderId));
    return recordOf(orderId, Object.entries(fields).flat());
  }

  private key(orderId: string): string {
    checkStoreKey(orderId, 'orderId');
    return `${this.prefix}reminder:${orderId}`;
  }
}

/** A record from HGETALL's flat [field, value, …] list; null for an empty hash. */
function recordOf(orderId: string, flat: string[]): ReminderRecord | null {
  if (flat.length === 0) return null;
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);
  const number = (name: string): number | undefined => (fields.has(name) ? Number(fields.get(name)) : undefined);
  const record: ReminderRecord = { orderId, status: (fields.get('status') ?? 'unpaid') as ReminderOrderStatus, sent: number('sent') ?? 0 };
  const conversation = fields.get('conversation');
  if (conversation) record.conversation = JSON.parse(conversation) as ConversationRef;
  for (const name of ['createdAt', 'lastSentAt', 'closedAt'] as const) {
    const value = number(name);
    if (value !== undefined) record[name] = value;
  }
  return record;
}
