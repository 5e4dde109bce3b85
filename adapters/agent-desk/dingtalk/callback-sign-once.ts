// Each outgoing-robot callback's timestamp + sign pair is accepted once. DingTalk's sign covers the
// timestamp only, never the body (callback-signature.ts), so without this a pair captured from one
// request (a proxy's log, a leaked trace) would carry any other body for as long as the timestamp
// is accepted. The pairs live in the delivery ledger (Redis when Kefu runs on Redis, so every
// process sees the same ones; memory otherwise), each kept until its timestamp can no longer be
// accepted: until timestamp + window, which for a timestamp dated ahead is later than now + window.
//
// A pair is bound to the msgId of the message it first carried:
//   first use            → handle it
//   same pair, same msgId, handled → a redelivery of that request: acknowledged, not handled again
//   same pair, same msgId, failed  → the failure gave the pair back: handled (DingTalk's retry)
//   same pair, any other body, or while the first is still being handled → refused

import { createHash } from 'node:crypto';
import type { Clock, DeliveryLedger } from '../../../dialogs/ports.ts';

export type PairUse = { kind: 'first' } | { kind: 'redelivery' } | { kind: 'reused' };

export class CallbackSignOnce {
  constructor(
    private readonly ledger: DeliveryLedger,
    private readonly clock: Clock,
    /** How far from now a timestamp is accepted (callback-signature.ts). */
    private readonly windowMs: number,
  ) {}

  /** Takes the pair for `msgId`; call done() or failed() after handling a first use. */
  async take(timestamp: string, sign: string, msgId: string): Promise<PairUse> {
    const claim = await this.ledger.claim(this.key(timestamp, sign), this.keepSeconds(timestamp));
    if (claim.status === 'new') return { kind: 'first' };
    if (claim.status === 'done' && claim.result === msgId) return { kind: 'redelivery' };
    return { kind: 'reused' };
  }

  async done(timestamp: string, sign: string, msgId: string): Promise<void> {
    await this.ledger.complete(this.key(timestamp, sign), msgId, this.keepSeconds(timestamp));
  }

  /** Gives the pair back after a failure, so DingTalk's delivery of the same request is handled. */
  async failed(timestamp: string, sign: string): Promise<void> {
    await this.ledger.release(this.key(timestamp, sign));
  }

  /** The sign is hashed: a key never holds a credential-shaped string. */
  private key(timestamp: string, sign: string): string {
    return `dingtalk-callback-sign:${timestamp}:${createHash('sha256').update(sign).digest('hex').slice(0, 32)}`;
  }

  /** Until the timestamp falls out of the window, plus a second for rounding; never less than a second. */
  private keepSeconds(timestamp: string): number {
    const until = Number(timestamp) + this.windowMs;
    return Math.max(1, Math.ceil((until - this.clock.now()) / 1000) + 1);
  }
}
