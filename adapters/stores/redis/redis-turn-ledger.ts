// The production TurnLedger: a buyer's message is one Redis string, "<prefix>turn:{<conversation>}:<id>"
// (the conversation's hash tag, so it lives in the same Cluster slot as the session), holding
// "?<token>" while claimed and "=<answer>" once handled. The commit is one Lua script over the message
// key and the session key: it writes the session and the answer only if the claim still holds this
// process's token. After a crash at any point a message is either not handled (nothing written; its
// retry runs it once the claim lapses) or handled with its answer stored (its retry is answered).

import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-connection.ts';
import { conversationTag, sessionKey } from './redis-keys.ts';
import { silentLogger, type Logger, type TurnClaim, type TurnCommit, type TurnLedger } from '../../../dialogs/ports.ts';
import { WhenRedisIsBack } from './when-redis-is-back.ts';
import { checkStoreKey, sessionJson, ttlWholeSeconds } from '../store-input.ts';

export interface RedisTurnLedgerOptions {
  client: RedisClient;
  /** Start of every key this ledger writes (the session store's prefix: the commit writes its sessions). Default "kefu:". */
  prefix?: string;
  logger?: Logger;
}

// KEYS[1] the message key; ARGV[1] the new claim, "?<token>"; ARGV[2] claim seconds.
const CLAIM_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return {'new'} end
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, 1) == '=' then return {'done', string.sub(held, 2)} end
return {'in_progress'}
`;

// KEYS[1] the message key, KEYS[2] the session key; ARGV: claim "?<token>", answer, keep seconds,
// session JSON, session seconds. 1 when written; 0 when the claim is no longer this one.
const COMMIT_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5])
redis.call('SET', KEYS[1], '=' .. ARGV[2], 'EX', ARGV[3])
return 1
`;

// KEYS[1] the message key; ARGV[1] the claim. Deletes only this very claim, never an answer or another's claim.
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface TurnCommands {
  kefuTurnClaim(key: string, claim: string, seconds: number): Promise<string[]>;
  kefuTurnCommit(key: string, session: string, claim: string, result: string, keep: number, json: string, ttl: number): Promise<number>;
  kefuTurnRelease(key: string, claim: string): Promise<number>;
}

export class RedisTurnLedger implements TurnLedger {
  private readonly commands: TurnCommands;
  private readonly prefix: string;
  /** Claims this process could not give back while Redis was away: given back when it is back. */
  private readonly whenBack: WhenRedisIsBack;
  private readonly logger: Logger;

  constructor(options: RedisTurnLedgerOptions) {
    this.prefix = options.prefix ?? 'kefu:';
    this.logger = options.logger ?? silentLogger;
    this.whenBack = new WhenRedisIsBack(options.client, this.logger);
    options.client.defineCommand('kefuTurnClaim', { numberOfKeys: 1, lua: CLAIM_LUA });
    options.client.defineCommand('kefuTurnCommit', { numberOfKeys: 2, lua: COMMIT_LUA });
    options.client.defineCommand('kefuTurnRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
    this.commands = options.client as unknown as TurnCommands;
  }

  private messageKey(conversationKey: string, messageId: string): string {
    checkStoreKey(conversationKey, 'conversationKey');
    checkStoreKey(messageId, 'messageId');
    return `${this.prefix}turn:${conversationTag(conversationKey)}:${messageId}`;
  }

  async claim(conversationKey: string, messageId: string, claimSeconds: number): Promise<TurnClaim> {
    const key = this.messageKey(conversationKey, messageId);
    const seconds = ttlWholeSeconds(claimSeconds, 'claimSeconds');
    const token = randomUUID();
    const [status, result] = await this.commands.kefuTurnClaim(key, `?${token}`, seconds);
    if (status === 'new') return { status: 'new', token };
    if (status === 'done') return { status: 'done', result: result ?? '' };
    return { status: 'in_progress' };
  }

  async commit(turn: TurnCommit): Promise<boolean> {
    const key = this.messageKey(turn.conversationKey, turn.messageId);
    if (typeof turn.result !== 'string') throw new TypeError('result must be a string');
    const keep = ttlWholeSeconds(turn.keepSeconds, 'keepSeconds');
    const ttl = ttlWholeSeconds(turn.sessionTtlSeconds);
    const written = await this.commands.kefuTurnCommit(key, sessionKey(this.prefix, turn.conversationKey), `?${turn.token}`, turn.result, keep, sessionJson(turn.session), ttl);
    return written === 1;
  }

  /**
   * Gives the claim back. When Redis cannot be reached it is given back as soon as Redis is back,
   * so the buyer's retry is handled then rather than refused until the claim lapses.
   */
  async release(conversationKey: string, messageId: string, token: string): Promise<void> {
    const key = this.messageKey(conversationKey, messageId);
    const release = () => this.commands.kefuTurnRelease(key, `?${token}`);
    try {
      await release();
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, conversation: conversationKey, message: messageId }, 'could not give the message claim back; it is given back as soon as Redis is back');
      this.whenBack.later(`${key}#${token}`, release);
    }
  }
}
