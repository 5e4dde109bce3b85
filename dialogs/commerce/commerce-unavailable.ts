// The error every commerce backend (catalog, orders) throws when the shop's system cannot answer
// right now: a timeout, a refused connection, a 5xx or 429 that outlived the retries. The core
// catches it around actions and answers the buyer gracefully ("our system is busy, …", or a hand-off)
// instead of failing the message. Shared by the pre-sale catalog and the after-sale orders backends.

export class CommerceUnavailableError extends Error {
  /** Which backend operation failed, e.g. "GET /products/tee-classic". For logs, never for buyers. */
  readonly operation: string;

  constructor(operation: string, reason: string, options?: { cause?: unknown }) {
    super(`commerce backend unavailable: ${operation}: ${reason}`, options);
    this.name = 'CommerceUnavailableError';
    this.operation = operation;
  }
}

/** True for a CommerceUnavailableError, also one thrown from another copy of this module. */
export function isCommerceUnavailable(error: unknown): error is CommerceUnavailableError {
  return error instanceof CommerceUnavailableError || (error instanceof Error && error.name === 'CommerceUnavailableError');
}
