// A guest proves one order: its number and the last four digits of the phone it is delivered to.
// Four digits are only 10,000 guesses, so tries are counted — per conversation and per order, in a
// store all server processes share — and a guest who runs out is handed to a person. A wrong number
// and wrong digits get the same answer, so a guest cannot learn which order numbers exist.

/** Failed tries, counted per key within a window (memory or Redis: adapters/stores/). */
export interface ProofAttempts {
  /** Counts one failed try against every key; returns each key's count within the window, in order. */
  recordFailure(keys: readonly string[], windowSeconds: number): Promise<number[]>;
  /** Each key's failed tries within the window, in order. */
  failures(keys: readonly string[]): Promise<number[]>;
}

/** How many tries, and for how long they are remembered (afterSale.guestProof in the configuration). */
export interface GuestProofLimits {
  triesPerConversation: number;
  triesPerOrder: number;
  windowMinutes: number;
}

export const DEFAULT_GUEST_PROOF_LIMITS: GuestProofLimits = { triesPerConversation: 3, triesPerOrder: 5, windowMinutes: 60 };

/** The keys one try counts against: this conversation's, and the order's across every conversation. */
export function proofKeys(conversation: { channel: string; conversationId: string }, orderId: string | null): string[] {
  const keys = [`conversation:${conversation.channel}:${conversation.conversationId}`];
  if (orderId) keys.push(`order:${orderId.toUpperCase()}`);
  return keys;
}

/** Whether counts from proofKeys are over the limits. */
export function overLimits(counts: readonly number[], limits: GuestProofLimits): boolean {
  return (counts[0] ?? 0) >= limits.triesPerConversation || (counts[1] ?? 0) >= limits.triesPerOrder;
}

/**
 * The last four phone digits in what a guest typed ("5678", "尾号5678", "手机号13812345678"), the
 * order number taken out first. Full-width digits count. A run of exactly four digits wins (the last
 * one); else the last four of a longer run that reads as a phone (7–15 digits); else null.
 */
export function readPhoneLastFour(text: string, orderId: string | null): string | null {
  let rest = text.normalize('NFKC');
  if (orderId) rest = rest.split(orderId).join(' ').split(orderId.toUpperCase()).join(' ');
  const runs = rest.replace(/(\d)[\s-]+(?=\d)/g, '$1').match(/\d+/g) ?? [];
  const four = runs.filter((run) => run.length === 4).at(-1);
  if (four) return four;
  const phone = runs.filter((run) => run.length >= 7 && run.length <= 15).at(-1);
  return phone ? phone.slice(-4) : null;
}

/** Whether an E.164 phone ends in these four digits. */
export function phoneEndsWith(phone: string, lastFour: string): boolean {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 4 && digits.slice(-4) === lastFour;
}
