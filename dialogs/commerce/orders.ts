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
}

/**
 * Reading orders. The after-sale issue adds the operations (change address, cancel, returns,
 * refunds, tracking events) to this port; payment reminders read orders through it.
 */
export interface Orders {
  /** The buyer's orders, newest first. */
  listOrders(buyer: BuyerIdentity): Promise<Order[]>;
  /** One of the buyer's orders; null when it does not exist or is not theirs. */
  getOrder(buyer: BuyerIdentity, orderId: string): Promise<Order | null>;
}
