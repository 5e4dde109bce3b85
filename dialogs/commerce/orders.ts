// The orders side of the commerce port: what the after-sale flows and payment reminders read and
// change. A buyer only ever reaches their own orders, so every call takes the buyer's channel
// identity (never something the buyer typed) and an implementation answers null or [] for an order
// that belongs to someone else, exactly as for one that does not exist.
// Implementations: the demo shop (adapters/commerce/demo) and a merchant's HTTP API (adapters/commerce/http).

import type { LocalText } from '../messages.ts';

/** Whose orders: the buyer as their channel knows them. */
export interface BuyerIdentity {
  /** The channel's name, e.g. "webchat", "lazada". */
  channel: string;
  /** The channel's id for the buyer. */
  buyerId: string;
}

export type OrderStatus =
  | 'unpaid'
  | 'paid' // paid, not shipped yet
  | 'shipped'
  | 'delivered'
  | 'cancelled'
  | 'return_requested'
  | 'returned'
  | 'refunded';

export interface OrderLine {
  productId: string;
  name: LocalText;
  colour?: string;
  size?: string;
  quantity: number;
  /** Price of one item, in the order's currency. */
  unitPrice: number;
}

export interface PostalAddress {
  /** ISO 3166-1 alpha-2, e.g. "CN". */
  country: string;
  province?: string;
  city?: string;
  district?: string;
  /** Street, number, building, room. */
  street: string;
  postcode?: string;
  recipient: string;
  /** E.164, e.g. "+8613812345678". */
  phone: string;
}

export interface Shipment {
  /** Carrier code, e.g. "sf", "yto", "ups". */
  carrier: string;
  trackingNumber: string;
  shippedAt: number;
}

export interface Order {
  id: string;
  buyer: BuyerIdentity;
  status: OrderStatus;
  /** Milliseconds since the epoch. */
  createdAt: number;
  paidAt?: number;
  lines: OrderLine[];
  /** What the buyer pays, in `currency`. */
  total: number;
  currency: string;
  address: PostalAddress;
  shipment?: Shipment;
  /** Where an unpaid order is paid (the reminder's pay button). */
  payUrl?: string;
  /** When the parcel reached the buyer (starts the return window). */
  deliveredAt?: number;
  /** The buyer's return, once one is started. */
  returnRequest?: ReturnRequest;
  /** The refund, once the merchant has started one. */
  refund?: Refund;
}

export interface ReturnRequest {
  id: string;
  /** The reason the buyer gave: a code such as "size", "quality", "not_as_described", "changed_mind". */
  reason: string;
  status: 'awaiting_parcel' | 'parcel_sent' | 'received' | 'refunded' | 'rejected';
  createdAt: number;
  /** The buyer's parcel back to the shop. */
  carrier?: string;
  trackingNumber?: string;
}

export interface Refund {
  status: 'processing' | 'issued' | 'received' | 'rejected';
  amount: number;
  currency: string;
  /** Where the money goes back, e.g. "alipay", "wechat_pay", "card". */
  method?: string;
  requestedAt: number;
  /** When the shop sent the money (status issued or received). */
  issuedAt?: number;
  /** When the money should reach the buyer's account, when the backend knows. */
  expectedBy?: number;
}

export type TrackingEventKind =
  | 'picked_up'
  | 'in_transit'
  | 'out_for_delivery'
  | 'delivered'
  | 'failed_delivery'
  | 'returned_to_sender'
  | 'exception';

export interface TrackingEvent {
  at: number;
  kind: TrackingEventKind;
  /** Where it happened, as the carrier reports it (e.g. "杭州转运中心"). */
  location?: string;
  /** The carrier's own words. */
  description?: string;
}

/** Who asked for a change, recorded with it in the merchant's order history (the audit trail). */
export interface ChangeRequest {
  /** The same key applies a change at most once: a retried request answers with the first result. */
  idempotencyKey: string;
  /** Who asked, e.g. "kefu-bot for webchat:abc123". */
  actor: string;
  at: number;
}

/** How a change went: `not_found` is also the answer for someone else's order. */
export type ChangeOutcome<Extra extends string = never> =
  | 'applied'
  | 'already_applied'
  | 'not_allowed'
  | 'not_found'
  | Extra;

export interface ChangeResult<Extra extends string = never> {
  outcome: ChangeOutcome<Extra>;
  /** The order after the change (absent when not_found). */
  order?: Order;
}

export interface InterceptionRequest extends ChangeRequest {
  /** Where the parcel should go instead, if that is why it is intercepted. */
  newAddress?: PostalAddress;
  /** Free text for the warehouse and the carrier. */
  note: string;
}

/** Thrown (or rejected with) when the backend cannot be reached or answers with an error. */
export class OrdersUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrdersUnavailableError';
  }
}

/**
 * Reading and changing orders. After-sale flows use all of it; payment reminders read orders.
 * Every change carries an idempotency key (applied at most once) and who asked (the audit trail);
 * an order that is not the buyer's answers exactly like one that does not exist.
 */
export interface Orders {
  /** The buyer's orders, newest first. */
  listOrders(buyer: BuyerIdentity): Promise<Order[]>;
  /** One of the buyer's orders; null when it does not exist or is not theirs. */
  getOrder(buyer: BuyerIdentity, orderId: string): Promise<Order | null>;
  /** The parcel's tracking events, oldest first; null when the order is not the buyer's. */
  trackingEvents(buyer: BuyerIdentity, orderId: string): Promise<TrackingEvent[] | null>;
  /** New delivery address for an order not shipped yet (`not_allowed` once shipped). */
  changeAddress(buyer: BuyerIdentity, orderId: string, address: PostalAddress, request: ChangeRequest): Promise<ChangeResult>;
  /** Cancels an unpaid or unshipped order (`not_allowed` once shipped). */
  cancelOrder(buyer: BuyerIdentity, orderId: string, request: ChangeRequest): Promise<ChangeResult>;
  /** Asks the warehouse and carrier to stop a shipped parcel; an agent follows it up. */
  requestInterception(buyer: BuyerIdentity, orderId: string, request: InterceptionRequest): Promise<ChangeResult>;
  /** Starts a return of a delivered (or shipped) order; the return window is the caller's policy. */
  startReturn(buyer: BuyerIdentity, orderId: string, reason: string, request: ChangeRequest): Promise<ChangeResult>;
  /**
   * A guest's proof of an order (dialogs/commerce/order-proof.ts): the order with this number whose
   * delivery phone ends in these four digits, with its buyer; null when there is no such order or the
   * digits differ (the same answer, so a guess tells nothing).
   */
  proveOrder(orderId: string, phoneLastFour: string): Promise<Order | null>;
  /** Attaches the buyer's return parcel (carrier code and number) to the order's return. */
  attachReturnTracking(
    buyer: BuyerIdentity,
    orderId: string,
    parcel: { carrier: string; trackingNumber: string },
    request: ChangeRequest,
  ): Promise<ChangeResult>;
}
