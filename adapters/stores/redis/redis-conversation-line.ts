// The production ConversationLine: "one conversation, one line" across every process on one Redis.
//
// It is a ticket lock, like the numbered tickets at a bank counter, kept in one Redis hash per
// conversation ("<prefix>line:{<key>}", one key in the conversation's Cluster slot, redis-keys.ts): `n` is the last ticket
// handed out, `s` the ticket now served, `t` when that turn began (Redis time, so process clocks do
// not matter), `e` the line's epoch, and `a:<ticket>` marks a waiter that gave up.
//
// - run() takes a ticket in one Lua script, so arrival order is the order Redis sees the calls; the
//   same script answers whether the ticket is served at once (the fast path: one round trip to
//   start, one to hand the turn on).
// - A turn older than leaseMs belongs to a holder that died or hung: whoever is waiting skips it,
//   atomically in Lua. A holder that finishes after losing its turn changes nothing. A holder that
//   could not hand the turn on because Redis was away does so as soon as Redis is back
//   (when-redis-is-back.ts), not a lease later.
// - A waiter not served within waitMs marks its ticket abandoned (or, if the turn reached it just
//   then, passes it on) and fails with LineBusyError; the line skips abandoned tickets.
// - When the last ticket is served the hash is deleted, and every write refreshes a keepSeconds
//   expiry as a safety net, so idle conversations leave nothing. The epoch, random per line
//   incarnation, keeps a waiter from mistaking a line that vanished and restarted for its own.
//
// Waiting polls Redis with a short backoff capped at MAX_POLL_MS, and a turn handed on inside this
// process wakes the local waiter for it at once. Polling was chosen over pub/sub because it cannot
// miss a notification (a pub/sub message lost across a reconnect would strand a waiter until it
// timed out, so polling would be needed as a fallback anyway), it needs no second connection, and
// contention is rare in practice: a conversation's messages arrive seconds apart, so almost every
// run takes the fast path and never polls at all.

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RedisClient } from './redis-connection.ts';
import { lineKey } from './redis-keys.ts';
import { LineBusyError, silentLogger, type ConversationLine, type Logger } from '../../../dialogs/ports.ts';
import { checkStoreKey, positiveMs, ttlWholeSeconds } from '../store-input.ts';
import { WhenRedisIsBack } from './when-redis-is-back.ts';
import type { Liveness } from './process-heartbeat.ts';

export interface RedisConversationLineOptions {
  client: RedisClient;
  /** Start of every key this line writes. Default "kefu:". */
  prefix?: string;
  /** How long a run may wait for its turn before it gives up with LineBusyError. Default 10000. */
  waitMs?: number;
  /** How long a turn may be held before a waiter skips it as stalled. Default 30000. */
  leaseMs?: number;
  /** How long an unused line is kept (a safety net; a line is deleted when it empties). Default 86400. */
  keepSeconds?: number;
  /** Where a failure to hand the turn on is reported (the run itself has succeeded by then). */
  logger?: Logger;
  /**
   * Which processes are alive (process-heartbeat.ts): a turn held by a process found dead is skipped
   * at once rather than after leaseMs. Without it, only the lease frees a dead holder's turn.
   */
  liveness?: Liveness;
}

/** How long a waiter waits before it first asks whether the holder is alive, and then between asks. */
const HOLDER_CHECK_MS = 500;

const FIRST_POLL_MS = 2;
const MAX_POLL_MS = 25;

/**
 * The line's Lua, shared with the turn store's scripts (redis-turn-store.ts), which take a ticket
 * and hand the turn on inside their own scripts. `line` is the Lua expression of the line's key.
 */
export function lineLuaHelpers(line: string): string {
  return `
local line = ${line}
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function int(x) return string.format('%d', x) end
local function mark(ticket) return 'a:' .. int(ticket) end
local function waiter(ticket) return 'w:' .. int(ticket) end
-- Gives the turn to the next ticket whose waiter has not given up, with its owner (the process that
-- took it, 'o'); deletes the line when it is empty.
local function hand_on(serving, last, now, keep)
  serving = serving + 1
  while serving <= last and redis.call('HDEL', line, mark(serving)) == 1 do
    redis.call('HDEL', line, waiter(serving))
    serving = serving + 1
  end
  if serving > last then
    redis.call('DEL', line)
  else
    local owner = redis.call('HGET', line, waiter(serving)) or ''
    redis.call('HDEL', line, waiter(serving))
    redis.call('HSET', line, 's', int(serving), 't', int(now), 'o', owner)
    redis.call('EXPIRE', line, keep)
  end
  return serving
end
-- A turn held past its lease belongs to a holder that died or hung, and one held by an owner the
-- caller found dead (process-heartbeat.ts; '' for none) to a holder that died: skip it.
local function skip_stalled(serving, last, since, now, lease, keep, dead)
  if now - since >= lease or (dead ~= '' and redis.call('HGET', line, 'o') == dead) then return hand_on(serving, last, now, keep) end
  return serving
end
-- Takes the next ticket for the owner. Returns it, the ticket now served (the same when it is this
-- one's turn) and the line's epoch.
local function take_ticket(new_epoch, lease, keep, owner, dead)
  local now = now_ms()
  local last = redis.call('HINCRBY', line, 'n', 1)
  local v = redis.call('HMGET', line, 's', 't', 'e')
  local serving, since, epoch = tonumber(v[1]), tonumber(v[2]), v[3]
  if not serving or not since or not epoch then
    epoch = new_epoch
    serving = last
    redis.call('HSET', line, 's', int(serving), 't', int(now), 'e', epoch)
  elseif serving < last then
    serving = skip_stalled(serving, last, since, now, lease, keep, dead)
  end
  if serving == last then redis.call('HSET', line, 'o', owner) else redis.call('HSET', line, waiter(last), owner) end
  redis.call('EXPIRE', line, keep)
  return last, serving, epoch
end
-- The owner of the turn now served ('' when unknown).
local function holder()
  return redis.call('HGET', line, 'o') or ''
end
-- True when the ticket of this line incarnation (epoch) holds the turn.
local function holds_turn(ticket, epoch)
  local v = redis.call('HMGET', line, 's', 'e')
  return tonumber(v[1]) == ticket and v[2] == epoch
end
-- Hands the turn on if the ticket holds it, marks the ticket abandoned if it is still waiting.
-- Returns the ticket now served after a hand-on, else 0.
local function leave_line(ticket, epoch, keep)
  local v = redis.call('HMGET', line, 'n', 's', 'e')
  if v[3] ~= epoch then return 0 end
  local last, serving = tonumber(v[1]), tonumber(v[2])
  if serving == ticket then return hand_on(serving, last, now_ms(), keep) end
  if serving < ticket then
    redis.call('HSET', line, mark(ticket), '1')
    redis.call('HDEL', line, waiter(ticket))
  end
  return 0
end
`;
}

// ARGV: epoch for a new line, lease ms, keep seconds, owner. Returns {ticket, serving, epoch}.
const TAKE_LUA = `${lineLuaHelpers('KEYS[1]')}
local last, serving, epoch = take_ticket(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], '')
return {last, serving, epoch}
`;

// ARGV: ticket, epoch, lease ms, keep seconds, an owner found dead ('' for none).
// Returns {1} (your turn), {0, holder} (wait) or {-1} (ticket void).
const POLL_LUA = `${lineLuaHelpers('KEYS[1]')}
local ticket, lease, keep = tonumber(ARGV[1]), tonumber(ARGV[3]), tonumber(ARGV[4])
local v = redis.call('HMGET', line, 'n', 's', 't', 'e')
if v[4] ~= ARGV[2] then return {-1} end
local last, serving, since = tonumber(v[1]), tonumber(v[2]), tonumber(v[3])
local now = now_ms()
if serving < ticket then serving = skip_stalled(serving, last, since, now, lease, keep, ARGV[5]) end
if serving == ticket then
  redis.call('HSET', line, 't', int(now))
  return {1}
end
if serving > ticket then return {-1} end
return {0, holder()}
`;

// ARGV: ticket, epoch, keep seconds. Returns the ticket now served after a hand-on, else 0.
const LEAVE_LUA = `${lineLuaHelpers('KEYS[1]')}
return leave_line(tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]))
`;

/** A place taken in a conversation's line: which line, which ticket, which incarnation of the line. */
export interface LinePlace {
  conversationKey: string;
  line: string;
  ticket: number;
  epoch: string;
}

interface LineCommands {
  kefuLineTake(line: string, epoch: string, leaseMs: number, keepSeconds: number, owner: string): Promise<[number, number, string]>;
  kefuLinePoll(line: string, ticket: number, epoch: string, leaseMs: number, keepSeconds: number, dead: string): Promise<[number, string?]>;
  kefuLineLeave(line: string, ticket: number, epoch: string, keepSeconds: number): Promise<number>;
}

/** Unique across processes: this process's random token plus a counter. */
const processToken = randomBytes(6).toString('hex');
let epochCounter = 0;

export class RedisConversationLine implements ConversationLine {
  private readonly commands: LineCommands;
  private readonly prefix: string;
  private readonly waitMs: number;
  private readonly leaseMs: number;
  private readonly keepSeconds: number;
  private readonly logger: Logger;
  /** Waiters in this process, by line and ticket, so a local hand-on can wake the next one at once. */
  private readonly localWaiters = new Map<string, Map<number, () => void>>();
  /** Turns this process could not hand on while Redis was away: handed on when it is back. */
  private readonly whenBack: WhenRedisIsBack;
  readonly liveness: Liveness | null;

  constructor(options: RedisConversationLineOptions) {
    this.liveness = options.liveness ?? null;
    this.prefix = options.prefix ?? 'kefu:';
    this.waitMs = positiveMs(options.waitMs, 10_000, 'waitMs');
    this.leaseMs = positiveMs(options.leaseMs, 30_000, 'leaseMs');
    this.keepSeconds = ttlWholeSeconds(options.keepSeconds ?? 86_400, 'keepSeconds');
    this.logger = options.logger ?? silentLogger;
    const client = options.client;
    this.whenBack = new WhenRedisIsBack(client, this.logger);
    client.defineCommand('kefuLineTake', { numberOfKeys: 1, lua: TAKE_LUA });
    client.defineCommand('kefuLinePoll', { numberOfKeys: 1, lua: POLL_LUA });
    client.defineCommand('kefuLineLeave', { numberOfKeys: 1, lua: LEAVE_LUA });
    this.commands = client as unknown as LineCommands;
  }

  /** Settings the turn store's scripts need to take a ticket and hand the turn on as this line does. */
  get settings(): { prefix: string; leaseMs: number; keepSeconds: number } {
    return { prefix: this.prefix, leaseMs: this.leaseMs, keepSeconds: this.keepSeconds };
  }

  /** This process's owner id in the line ('' without liveness). */
  get owner(): string {
    return this.liveness?.owner ?? '';
  }

  /** The epoch a line gets if this call starts it: unique across processes. */
  newEpoch(): string {
    return `${processToken}.${(epochCounter += 1)}`;
  }

  async run<T>(conversationKey: string, work: () => Promise<T>): Promise<T> {
    checkStoreKey(conversationKey, 'conversationKey');
    if (typeof work !== 'function') throw new TypeError('work must be a function');
    const line = lineKey(this.prefix, conversationKey);
    // Sent before run() first yields, so calls on one client reach Redis in the order they were made.
    const [ticket, serving, epoch] = await this.commands.kefuLineTake(line, this.newEpoch(), this.leaseMs, this.keepSeconds, this.owner);
    const place: LinePlace = { conversationKey, line, ticket, epoch };
    if (serving !== ticket) await this.waitForTurn(place);
    try {
      return await work();
    } finally {
      await this.leave(place).then(
        (next) => {
          if (next === 0) this.warnLeaseLost(place);
        },
        (error: unknown) => this.leaveWhenBack(place, error),
      );
    }
  }

  /**
   * Waits until `place` is served: polls, or is woken by a hand-on in this process. Rejects with
   * LineBusyError after waitMs (the place is given up), or with Redis's error (given up when Redis is back).
   */
  async waitForTurn(place: LinePlace): Promise<void> {
    const { conversationKey, line, ticket, epoch } = place;
    const started = performance.now();
    const deadline = started + this.waitMs;
    // The holder's liveness is asked after HOLDER_CHECK_MS of waiting, then every HOLDER_CHECK_MS;
    // one found dead is named in the next poll, which skips its turn.
    let holder: string;
    let nextCheck = started + HOLDER_CHECK_MS;
    let dead = '';
    let waiters = this.localWaiters.get(line);
    if (waiters === undefined) {
      waiters = new Map();
      this.localWaiters.set(line, waiters);
    }
    const theWaiters = waiters;
    // A wake-up that comes while a poll is in flight is kept, so the next pause is skipped.
    let woken = false;
    let wake = (): void => {
      woken = true;
    };
    theWaiters.set(ticket, () => wake());
    try {
      for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
        const left = deadline - performance.now();
        if (left <= 0) break;
        if (!woken) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(pause, left));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        woken = false;
        wake = () => {
          woken = true;
        };
        let state: number;
        try {
          [state, holder = ''] = await this.commands.kefuLinePoll(line, ticket, epoch, this.leaseMs, this.keepSeconds, dead);
          dead = '';
          if (state === 0 && holder !== '' && this.liveness && performance.now() >= nextCheck) {
            nextCheck = performance.now() + HOLDER_CHECK_MS;
            if (!(await this.liveness.isAlive(holder))) {
              this.logger.warn({ conversationKey, holder }, 'the turn\'s holder is not alive; its turn is skipped');
              dead = holder;
              woken = true;
            }
          }
        } catch (error) {
          // Redis failed mid-wait: give the place up (now, or when Redis is back), and report the failure now.
          this.leave(place).catch(() => this.leaveLater(place));
          throw error;
        }
        if (state === 1) return;
        if (state === -1) throw new LineBusyError(conversationKey);
      }
      await this.leave(place);
      throw new LineBusyError(conversationKey);
    } finally {
      theWaiters.delete(ticket);
      if (theWaiters.size === 0 && this.localWaiters.get(line) === theWaiters) this.localWaiters.delete(line);
    }
  }

  /** A turn store's script left `place` and handed the turn to `next` (0: the line had moved on): wakes that waiter if it is in this process. */
  handedOn(place: LinePlace, next: number): void {
    if (next > 0) this.localWaiters.get(place.line)?.get(next)?.();
    else this.warnLeaseLost(place);
  }

  private warnLeaseLost(place: LinePlace): void {
    this.logger.warn({ conversationKey: place.conversationKey, leaseMs: this.leaseMs }, 'work outlasted its lease; the line had moved on');
  }

  /** Leaving failed because Redis is away: the place is left as soon as it is back. */
  leaveWhenBack(place: LinePlace, error: unknown): void {
    this.logger.warn({ err: error, conversationKey: place.conversationKey }, 'could not hand the turn on; it is handed on as soon as Redis is back');
    this.leaveLater(place);
  }

  private leaveLater(place: LinePlace): void {
    this.whenBack.later(`${place.line}#${place.epoch}#${place.ticket}`, () => this.leave(place));
  }

  /** Leaves the line (hands the turn on, or abandons the place) and wakes the next waiter if it is local. */
  private async leave(place: LinePlace): Promise<number> {
    const next = await this.commands.kefuLineLeave(place.line, place.ticket, place.epoch, this.keepSeconds);
    if (next > 0) this.localWaiters.get(place.line)?.get(next)?.();
    return next;
  }
}
