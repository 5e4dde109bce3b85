// Posting order events to POST /events/orders as a shop's order system does: JSON, signed with the
// shared secret (X-Kefu-Timestamp, X-Kefu-Signature), and a way to read what reached a web chat
// page later (the push mailbox, or the page's SSE stream).

import { randomUUID } from 'node:crypto';
import { signOrderEvent } from '../../adapters/order-events/order-event-signature.ts';
import { readAnswer, type WebchatAnswer } from './start-kefu.ts';

export const TEST_SECRET = 'test-order-events-secret-0123456789';

export interface EventBody {
  id: string;
  type: 'created_unpaid' | 'paid' | 'cancelled';
  orderId: string;
  occurredAt: string;
  buyer: { channel: string; buyerId: string; conversationId: string };
}

export function orderEvent(type: EventBody['type'], orderId: string, buyerId: string, conversationId: string, id = `evt-${randomUUID()}`): EventBody {
  return { id, type, orderId, occurredAt: new Date().toISOString(), buyer: { channel: 'webchat', buyerId, conversationId } };
}

export interface PostOptions {
  secret?: string;
  /** Unix seconds; now when absent. */
  timestamp?: number;
  /** Replaces or removes (null) headers after signing. */
  headers?: Record<string, string | null>;
}

/** POSTs body (an object is sent as JSON; a string as it is), signed unless told otherwise. */
export async function postOrderEvent(baseUrl: string, body: unknown, options: PostOptions = {}): Promise<WebchatAnswer> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-kefu-timestamp': String(timestamp),
    'x-kefu-signature': signOrderEvent(options.secret ?? TEST_SECRET, timestamp, raw),
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return readAnswer(await fetch(`${baseUrl}/events/orders`, { method: 'POST', headers, body: raw }));
}

/** Posts until the answer is not 503 (what a sender does with Retry-After), a bounded number of times. */
export async function postOrderEventUntilTaken(baseUrl: string, body: unknown, attempts = 100): Promise<WebchatAnswer> {
  let answer!: WebchatAnswer;
  for (let i = 0; i < attempts; i += 1) {
    answer = await postOrderEvent(baseUrl, body);
    if (answer.status !== 503) return answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return answer;
}

/** Polls until check() holds, failing with what it waited for after limitMs (generous: never a timing assertion). */
export async function until<T>(check: () => Promise<T | null | undefined | false>, what: string, limitMs = 20_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
