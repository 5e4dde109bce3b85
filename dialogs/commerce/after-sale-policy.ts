// The shop's after-sale rules the bot applies by itself (config: afterSale, see docs/after-sale.md).

import type { GuestProofLimits } from './order-proof.ts';

export interface AfterSalePolicy {
  /** Days after delivery within which a buyer may start a return. */
  returnWindowDays: number;
  /** A parcel with no tracking event for this many hours is stalled: apology and a person. */
  stalledAfterHours: number;
  /** When the backend gives no date: days from a refund being issued to the money arriving. */
  refundArrivalDays: number;
  /** IANA time zone dates are shown in (the shop's). */
  timezone: string;
  /** How many tries a guest has to prove an order (order-proof.ts); the defaults when absent. */
  guestProof?: GuestProofLimits;
}

export const DEFAULT_AFTER_SALE_POLICY: AfterSalePolicy = {
  returnWindowDays: 7,
  stalledAfterHours: 48,
  refundArrivalDays: 3,
  timezone: 'Asia/Shanghai',
};
