// The production TurnStore: a buyer's turn in two Redis round trips (issue 13: there were six,
// one after another). Each end of the turn is one Lua script over the conversation's keys, which
// share its hash tag and so one Cluster slot (redis-keys.ts):
//
//   begin   claim the message: its key "<prefix>turn:{<conversation>}:<id>" holds "?<token>" while
//           claimed and "=<answer>" once handled (a repeat is answered from it) →
//           take a ticket in the conversation's line (redis-conversation-line.ts) → if served at
//           once, read the session. A ticket not served at once waits as the line's own run() does,
//           then reads the session: an extra round trip only when two messages of one conversation
//           overlap.
//   finish  write the session and the answer if the claim is still this turn's → hand the turn on.
//   abandon give the claim back if it is still this turn's → hand the turn on.
//
// On a Redis Cluster the finish is followed by WAIT for a replica in the same write
// (replica-wait.ts): the answer a buyer is given must survive a master failover, or the bot would
// forget a turn the buyer saw answered. A repeat answered from a stored answer confirms it the same
// way, since the turn that stored it may have been refused for want of a replica.
//
// A finish or abandon that fails because Redis is away is done again as soon as Redis is back
// (when-redis-is-back.ts): both only change what is still this turn's, so doing one late, or after
// the first attempt did reach Redis, changes nothing else.

import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-connection.ts';
import { lineKey, sequenceKey, sessionKey, turnKey } from './redis-keys.ts';
import { lineLuaHelpers, type LinePlace, type RedisConversationLine } from './redis-conversation-line.ts';
import { WhenRedisIsBack } from './when-redis-is-back.ts';
import { NotReplicatedError, ReplicaWait } from './replica-wait.ts';
import { silentLogger, type HeldTurn, type Logger, type TurnOrder, type TurnOutcome, type TurnStart, type TurnStore } from '../../../dialogs/ports.ts';
import { checkSequence, checkStoreKey, sessionJson, ttlWholeSeconds } from '../store-input.ts';

export interface RedisTurnStoreOptions {
  client: RedisClient;
  /** The conversations' line: its keys, lease and waiting are the ones this store's scripts use. */
  line: RedisConversationLine;
  logger?: Logger;
  /** How long a commit waits for a replica's confirmation on a Redis Cluster (replica-wait.ts). Default 500. */
  replicaWaitMs?: number;
}

// KEYS: message, line, session, sequence. ARGV: claim "?<token>", claim seconds, epoch for a new line,
// lease ms, line keep seconds, owner, a claim to take over (held by a dead owner; '' for none), the
// sender's number for the message ('' for none), '1' to refuse a message numbered past the next.
// {'done', answer} | {'in_progress', the claim held} | {'early'} | {'new', ticket, epoch, 1, session
// JSON or nil} | {'new', ticket, epoch, 0} (wait for the turn).
const BEGIN_LUA = `${lineLuaHelpers('KEYS[2]')}
local seq = tonumber(ARGV[8])
local last_seq = tonumber(redis.call('GET', KEYS[4]) or '0')
if seq and ARGV[9] == '1' and seq > last_seq + 1 then return {'early'} end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  local held = redis.call('GET', KEYS[1])
  if string.sub(held, 1, 1) == '=' then return {'done', string.sub(held, 2)} end
  if ARGV[7] == '' or held ~= ARGV[7] then return {'in_progress', held} end
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
-- Tickets are taken in the senders' order: the next number may now take its own.
if seq and seq > last_seq then redis.call('SET', KEYS[4], int(seq), 'EX', ARGV[5]) end
local ticket, serving, epoch = take_ticket(ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6], '')
if serving ~= ticket then return {'new', ticket, epoch, 0} end
return {'new', ticket, epoch, 1, redis.call('GET', KEYS[3])}
`;

// KEYS: message, session, line. ARGV: claim, answer, answer keep seconds, session JSON, session seconds, ticket, epoch, line keep seconds.
// {1 when committed else 0, the ticket served next (0: none)}. Committed only while the turn holds
// both its claim and its place at the head of the line: a turn whose place was skipped (its lease
// ran out, or its process was found dead) may have been overtaken by a later message that read
// the session before it, and must not overwrite what that one saved.
const FINISH_LUA = `${lineLuaHelpers('KEYS[3]')}
local committed = 0
if holds_turn(tonumber(ARGV[6]), ARGV[7]) and redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[5])
  redis.call('SET', KEYS[1], '=' .. ARGV[2], 'EX', ARGV[3])
  committed = 1
end
return {committed, leave_line(tonumber(ARGV[6]), ARGV[7], tonumber(ARGV[8]))}
`;

// KEYS: message. Rewrites a stored answer's expiry to what it was: a write on the answer's slot, so
// that a WAIT after it covers the answer (WAIT covers what its connection wrote before it; the
// answer may have been stored by another process).
const TOUCH_ANSWER_LUA = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return ttl
`;

// KEYS: message, line. ARGV: claim, ticket, epoch, line keep seconds. The ticket served next (0: none).
const ABANDON_LUA = `${lineLuaHelpers('KEYS[2]')}
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return leave_line(tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]))
`;

type BeginReply = ['done', string] | ['in_progress', string] | ['early'] | ['new', number, string, 0] | ['new', number, string, 1, string | null];

interface TurnStoreCommands {
  kefuTurnBegin(message: string, line: string, session: string, sequence: string, claim: string, claimSeconds: number, epoch: string, leaseMs: number, keepSeconds: number, owner: string, takeOver: string, seq: number | '', waitForEarlier: '0' | '1'): Promise<BeginReply>;
  kefuTurnFinish(message: string, session: string, line: string, claim: string, result: string, keep: number, json: string, ttl: number, ticket: number, epoch: string, lineKeep: number): Promise<[number, number]>;
  kefuTurnAbandon(message: string, line: string, claim: string, ticket: number, epoch: string, lineKeep: number): Promise<number>;
}

export class RedisTurnStore implements TurnStore {
  private readonly client: RedisClient;
  private readonly commands: TurnStoreCommands;
  private readonly line: RedisConversationLine;
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly lineKeepSeconds: number;
  private readonly logger: Logger;
  /** Turns this process could not finish or give back while Redis was away: given back when it is back. */
  private readonly whenBack: WhenRedisIsBack;
  private readonly replicas: ReplicaWait;

  constructor(options: RedisTurnStoreOptions) {
    this.client = options.client;
    this.line = options.line;
    ({ prefix: this.prefix, leaseMs: this.leaseMs, keepSeconds: this.lineKeepSeconds } = options.line.settings);
    this.logger = options.logger ?? silentLogger;
    this.whenBack = new WhenRedisIsBack(options.client, this.logger);
    this.replicas = new ReplicaWait({ client: options.client, timeoutMs: options.replicaWaitMs, logger: this.logger });
    options.client.defineCommand('kefuTurnTouchAnswer', { numberOfKeys: 1, lua: TOUCH_ANSWER_LUA });
    options.client.defineCommand('kefuTurnBegin', { numberOfKeys: 4, lua: BEGIN_LUA });
    options.client.defineCommand('kefuTurnFinish', { numberOfKeys: 3, lua: FINISH_LUA });
    options.client.defineCommand('kefuTurnAbandon', { numberOfKeys: 2, lua: ABANDON_LUA });
    this.commands = options.client as unknown as TurnStoreCommands;
  }

  async begin(conversationKey: string, messageId: string, claimSeconds: number, order?: TurnOrder): Promise<TurnStart> {
    checkStoreKey(conversationKey, 'conversationKey');
    checkStoreKey(messageId, 'messageId');
    const seconds = ttlWholeSeconds(claimSeconds, 'claimSeconds');
    checkSequence(order);
    const { owner, liveness } = this.line;
    // "<owner>.<uuid>": whoever finds the message claimed can tell whose claim it is.
    const token = owner ? `${owner}.${randomUUID()}` : randomUUID();
    const line = lineKey(this.prefix, conversationKey);
    const session = sessionKey(this.prefix, conversationKey);
    const message = turnKey(this.prefix, conversationKey, messageId);
    const sequence = sequenceKey(this.prefix, conversationKey);
    const begin = (takeOver: string) =>
      this.commands.kefuTurnBegin(message, line, session, sequence, `?${token}`, seconds, this.line.newEpoch(), this.leaseMs, this.lineKeepSeconds, owner, takeOver, order?.sequence ?? '', order?.wait ? '1' : '0');
    // Sent before begin() first yields, so turns of one conversation on one client reach Redis in call order.
    let reply = await begin('');
    if (reply[0] === 'in_progress' && liveness) {
      // Claimed by a process that died (SIGKILL, a lost machine): take the claim over now rather
      // than refuse every retry until it lapses. Only that very claim is taken over.
      const holder = ownerOfClaim(reply[1]);
      if (holder && !(await liveness.isAlive(holder))) {
        this.logger.warn({ conversation: conversationKey, message: messageId, holder }, 'the message\'s claim belongs to a process that is not alive; taken over');
        reply = await begin(reply[1]);
      }
    }
    if (reply[0] === 'done') {
      if (this.replicas.enabled) await this.replicas.write(message, (pipeline) => (pipeline as unknown as TouchAnswer).kefuTurnTouchAnswer(message));
      return { status: 'done', result: reply[1] };
    }
    if (reply[0] === 'in_progress') return { status: 'in_progress' };
    if (reply[0] === 'early') return { status: 'early' };
    const place: LinePlace = { conversationKey, line, ticket: Number(reply[1]), epoch: reply[2] };
    const turn: HeldTurn = { conversationKey, messageId, token, place };
    if (reply[3] === 1) return { status: 'new', turn, session: parseSession(reply[4] ?? null), waited: false };
    // Another message of this conversation is being handled: wait for it, then read what it saved.
    try {
      await this.line.waitForTurn(place);
    } catch (error) {
      await this.abandon(turn);
      throw error;
    }
    try {
      return { status: 'new', turn, session: parseSession(await this.client.get(session)), waited: true };
    } catch (error) {
      await this.abandon(turn);
      throw error;
    }
  }

  async finish(turn: HeldTurn, outcome: TurnOutcome): Promise<boolean> {
    const { conversationKey, messageId, token } = turn;
    const place = turn.place as LinePlace;
    if (typeof outcome.result !== 'string') throw new TypeError('result must be a string');
    const keep = ttlWholeSeconds(outcome.keepSeconds, 'keepSeconds');
    const ttl = ttlWholeSeconds(outcome.sessionTtlSeconds);
    const json = sessionJson(outcome.session);
    const message = turnKey(this.prefix, conversationKey, messageId);
    const args = [message, sessionKey(this.prefix, conversationKey), place.line, `?${token}`, outcome.result, keep, json, ttl, place.ticket, place.epoch, this.lineKeepSeconds] as const;
    let reply: [number, number];
    try {
      reply = this.replicas.enabled
        ? ((await this.replicas.write(message, (pipeline) => (pipeline as unknown as TurnStoreCommands).kefuTurnFinish(...args)))[0] as [number, number])
        : await this.commands.kefuTurnFinish(...args);
    } catch (error) {
      if (error instanceof NotReplicatedError) {
        // The script ran on the master, but its replica did not confirm it: the turn is handed on
        // (the line moved) and the turn fails, so the buyer's retry is answered from the stored
        // answer once a replica has it (begin confirms it), or runs again if a failover lost it.
        const next = ((error.replies?.[0] ?? [0, 0]) as [number, number])[1];
        if (next > 0) this.line.handedOn(place, next);
        throw error;
      }
      // Whether the script ran is unknown: giving the turn back later is right either way (it only
      // releases a claim still held by this token, and a turn still this ticket's).
      this.abandonWhenBack(turn, error);
      throw error;
    }
    const [committed, next] = reply;
    this.line.handedOn(place, next);
    return committed === 1;
  }

  /** Never rejects: what Redis could not take now is given back as soon as it is back. */
  async abandon(turn: HeldTurn): Promise<void> {
    try {
      const next = await this.abandonNow(turn);
      if (next > 0) this.line.handedOn(turn.place as LinePlace, next);
    } catch (error) {
      this.abandonWhenBack(turn, error);
    }
  }

  private abandonNow(turn: HeldTurn): Promise<number> {
    const place = turn.place as LinePlace;
    return this.commands.kefuTurnAbandon(turnKey(this.prefix, turn.conversationKey, turn.messageId), place.line, `?${turn.token}`, place.ticket, place.epoch, this.lineKeepSeconds);
  }

  private abandonWhenBack(turn: HeldTurn, error: unknown): void {
    this.logger.warn({ err: (error as Error).message, conversation: turn.conversationKey, message: turn.messageId }, 'could not end the turn; its claim and place are given back as soon as Redis is back');
    this.whenBack.later(`${turn.conversationKey}#${turn.messageId}#${turn.token}`, async () => {
      const next = await this.abandonNow(turn);
      if (next > 0) this.line.handedOn(turn.place as LinePlace, next);
    });
  }
}

interface TouchAnswer {
  kefuTurnTouchAnswer(message: string): unknown;
}

/** The owner named in a claim "?<owner>.<uuid>"; null for a claim without one (made without liveness). */
function ownerOfClaim(held: string): string | null {
  const dot = held.indexOf('.');
  return held.startsWith('?') && dot > 1 ? held.slice(1, dot) : null;
}

/** The stored session, or null for none or for text only something else can have written (a fresh session beats a stuck buyer). */
function parseSession(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return null;
  }
}
