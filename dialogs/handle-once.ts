// Handling a delivery once: a buyer's message, an agent's event from a desk, an order event. Each
// comes with the sender's own id, and senders retry. The delivery ledger claims the id, the work
// runs, the result is recorded and answers every repeat; a failure gives the claim back so the
// sender's retry is handled, and a repeat that arrives while the first is still running is told
// to come back later. Nothing is lost, nothing runs twice.

import type { DeliveryLedger, Logger } from './ports.ts';

/** The same delivery id is being handled right now (a sender retried quickly): retry later. */
export class DeliveryInProgressError extends Error {
  constructor(deliveryId: string) {
    super(`message ${deliveryId} is being handled; retry later`);
    this.name = 'DeliveryInProgressError';
  }
}

export interface HandleOnceOptions<T> {
  ledger: DeliveryLedger;
  logger: Logger;
  /** How long an unfinished claim blocks a repeat (a crashed process's claim lapses then). */
  claimSeconds: number;
  /** How long the result answers repeats (must outlast the sender's retries). */
  keepSeconds: number;
  /** What is handled, for the log line when a claim cannot be given back, e.g. "message". */
  what: string;
  /** The ledger stores text: how a result is written and read back. JSON when absent. */
  encode?: (result: T) => string;
  decode?: (stored: string) => T;
}

export interface HandledOnce<T> {
  result: T;
  /** True when this id was handled before and `result` is the first delivery's. */
  duplicate: boolean;
}

/**
 * Runs `work` once per `key` (the ledger's key, namespaced by the caller); `deliveryId` names the
 * delivery in the error a concurrent repeat gets. Rethrows what `work` throws, after the release.
 */
export async function handleOnce<T>(
  options: HandleOnceOptions<T>,
  key: string,
  deliveryId: string,
  work: () => Promise<T>,
): Promise<HandledOnce<T>> {
  const { ledger, logger } = options;
  const encode = options.encode ?? ((result: T) => JSON.stringify(result));
  const decode = options.decode ?? ((stored: string) => JSON.parse(stored) as T);
  const claim = await ledger.claim(key, options.claimSeconds);
  if (claim.status === 'done') return { result: decode(claim.result), duplicate: true };
  if (claim.status === 'in_progress') throw new DeliveryInProgressError(deliveryId);
  try {
    const result = await work();
    await ledger.complete(key, encode(result), options.keepSeconds);
    return { result, duplicate: false };
  } catch (error) {
    await ledger.release(key).catch((releaseError: Error) =>
      logger.warn({ err: releaseError.message }, `could not release ${options.what} claim; it lapses by itself`),
    );
    throw error;
  }
}
