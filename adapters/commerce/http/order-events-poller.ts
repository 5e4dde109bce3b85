// Polls a merchant order API's GET /order-events (docs/openapi/commerce-orders.yaml) and hands each
// event, in the order the API gives them, to Kefu's listener (the payment reminders' inbox). This is
// how HttpOrders is an OrderEventSource: a shop that cannot call Kefu's webhook lets Kefu ask.
//
// The rules:
//   - one poll at a time: the next is scheduled only when the previous one has finished;
//   - the cursor moves to the page's `next` only after the listener accepted every event of the page;
//     when it rejects one (Redis down, say), the page is asked for again on the next poll and its
//     events delivered again (same ids: the inbox handles each id once);
//   - an API that is down, throttling, or answering outside the contract moves nothing: logged (at most
//     once a minute while it lasts) and asked again at the next interval;
//   - the cursor lives in this process's memory only. A restarted process starts without one (the API
//     answers from the oldest event it keeps) and events it handled before are recognised by id or by
//     the reminder ledger. Two processes each poll everything: safe (deduplicated downstream) but twice
//     the requests — see docs/reminders.md;
//   - timers are unref'd: polling never keeps the process alive.

import { Ajv } from 'ajv';
import type { OrderEvent, OrderEventListener } from '../../../dialogs/commerce/order-events.ts';
import type { Logger } from '../../../dialogs/ports.ts';
import { eventSchema, MAX_FUTURE_MS } from '../../order-events/order-events-route.ts';
import type { CommerceHttpClient } from './commerce-http-client.ts';

export const ORDER_EVENTS_API_PATH = '/order-events';
/** A cursor is the API's own token; this bounds what Kefu stores and sends back. */
const MAX_CURSOR_LENGTH = 500;
/** Pages fetched in one poll at most, so a large backlog does not hold one poll for ever. */
const MAX_PAGES_PER_POLL = 20;
/** While the API keeps failing, say so at most this often. */
const FAILURE_LOG_EVERY_MS = 60_000;

interface EventJson {
  id: string;
  type: OrderEvent['type'];
  orderId: string;
  occurredAt: string;
  buyer: OrderEvent['buyer'];
}

const validateEvent = new Ajv({ coerceTypes: false, allErrors: false }).compile<EventJson>(eventSchema);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a page was not taken; the cursor stays where it was. */
export class OrderEventsPageError extends Error {}

/** Checks one page against the contract and turns its events into OrderEvents (occurredAt in ms). */
export function readOrderEventsPage(body: unknown, limit: number, nowMs: number): { events: OrderEvent[]; next: string } {
  if (!isRecord(body) || !Array.isArray(body.events)) throw new OrderEventsPageError('expected {"events": [...], "next": "<cursor>"}');
  const { next } = body;
  if (typeof next !== 'string' || next.length === 0 || next.length > MAX_CURSOR_LENGTH) throw new OrderEventsPageError(`"next" must be a cursor of 1 to ${MAX_CURSOR_LENGTH} characters`);
  if (body.events.length > limit) throw new OrderEventsPageError(`more than the ${limit} events asked for`);
  const events = body.events.map((each, index) => {
    if (!validateEvent(each)) {
      const first = validateEvent.errors?.[0];
      throw new OrderEventsPageError(`events[${index}]${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`);
    }
    const occurredAt = Date.parse(each.occurredAt);
    if (!Number.isFinite(occurredAt)) throw new OrderEventsPageError(`events[${index}].occurredAt is not a real date and time`);
    if (occurredAt > nowMs + MAX_FUTURE_MS) throw new OrderEventsPageError(`events[${index}].occurredAt is more than an hour in the future`);
    return { id: each.id, type: each.type, orderId: each.orderId, buyer: { ...each.buyer }, occurredAt } satisfies OrderEvent;
  });
  return { events, next };
}

export interface OrderEventsPollerOptions {
  client: CommerceHttpClient;
  listener: OrderEventListener;
  /** Pause between the end of one poll and the start of the next. */
  intervalMs: number;
  /** Events asked for per page. */
  pageSize?: number;
  logger: Logger;
  now?: () => number;
}

export class OrderEventsPoller {
  private cursor: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private failingSince: number | null = null;
  private lastFailureLog = 0;
  private readonly pageSize: number;
  private readonly now: () => number;

  constructor(private readonly options: OrderEventsPollerOptions) {
    this.pageSize = options.pageSize ?? 100;
    this.now = options.now ?? Date.now;
  }

  /** The cursor the next poll starts after (null: from the oldest event the API keeps). */
  get position(): string | null {
    return this.cursor;
  }

  /** Polls now, then every interval after each poll ends. */
  start(): void {
    this.schedule(0);
  }

  /** No further polls, and no further events handed over; resolves when a poll under way has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * One poll: pages until the API has no more (a page shorter than asked) or the listener rejects.
   * Resolves with the number of events accepted; never rejects (failures are logged).
   */
  async pollOnce(): Promise<number> {
    if (this.running) {
      await this.running;
      return 0;
    }
    let accepted = 0;
    const run = (async () => {
      try {
        for (let page = 0; page < MAX_PAGES_PER_POLL && !this.stopped; page += 1) {
          const taken = await this.takePage();
          accepted += taken.accepted;
          if (!taken.more) break;
        }
        this.recovered();
      } catch (error) {
        this.failed(error as Error);
      }
    })();
    this.running = run;
    try {
      await run;
    } finally {
      this.running = null;
    }
    return accepted;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pollOnce().then(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async takePage(): Promise<{ accepted: number; more: boolean }> {
    const query = { ...(this.cursor !== null ? { after: this.cursor } : {}), limit: String(this.pageSize) };
    const body = await this.options.client.getJson<unknown>(ORDER_EVENTS_API_PATH, query);
    if (body === null) throw new OrderEventsPageError(`${ORDER_EVENTS_API_PATH} answered 404: the API does not serve order events`);
    const { events, next } = readOrderEventsPage(body, this.pageSize, this.now());
    let accepted = 0;
    for (const event of events) {
      if (this.stopped) return { accepted, more: false };
      // A rejection leaves the cursor where it was: the whole page comes again next time.
      await this.options.listener(event);
      accepted += 1;
    }
    const moved = next !== this.cursor;
    this.cursor = next;
    return { accepted, more: moved && events.length === this.pageSize };
  }

  private failed(error: Error): void {
    const now = this.now();
    this.failingSince ??= now;
    if (now - this.lastFailureLog < FAILURE_LOG_EVERY_MS) return;
    this.lastFailureLog = now;
    this.options.logger.warn(
      { err: error.message, failingSinceMs: now - this.failingSince, cursor: this.cursor },
      'order events not taken (API down, off-contract page or an event not accepted); asking again at the next interval, nothing is lost',
    );
  }

  private recovered(): void {
    if (this.failingSince === null) return;
    this.options.logger.info({ failedForMs: this.now() - this.failingSince }, 'order events polled again');
    this.failingSince = null;
    this.lastFailureLog = 0;
  }
}
