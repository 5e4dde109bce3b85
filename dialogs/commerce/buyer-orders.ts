// The orders one conversation may reach, and the only way after-sale actions reach orders: the
// buyer is fixed here from the conversation's identity, so no action can pass another one.
//   - a buyer the channel vouches for (a marketplace's signed push, the shop's signed web chat
//     token): their own orders;
//   - a guest (web chat without identity): no order at all, or the one order the conversation has
//     proven (order number and the last four digits of its phone, prove-order.ts), through its
//     owner's identity.
// A guest's conversation id is never sent to the orders backend as a buyer id.

import type { ConversationRef } from '../messages.ts';
import { phoneEndsWith } from './order-proof.ts';
import type { BuyerIdentity, ChangeRequest, ChangeResult, InterceptionRequest, Order, Orders, PostalAddress, TrackingEvent } from './orders.ts';

/** The one order a guest conversation has proven, and whose it is (kept in the session). */
export interface ProvenOrder {
  orderId: string;
  owner: BuyerIdentity;
}

/** The orders port with the buyer already chosen; an order out of reach answers like one that does not exist. */
export interface BuyerOrders {
  /** `buyer`: the channel vouches for the buyer; `guest`: nobody does. */
  readonly identity: 'buyer' | 'guest';
  /** The order a guest has proven, if any. */
  readonly proven: ProvenOrder | null;
  listOrders(): Promise<Order[]>;
  getOrder(orderId: string): Promise<Order | null>;
  trackingEvents(orderId: string): Promise<TrackingEvent[] | null>;
  changeAddress(orderId: string, address: PostalAddress, request: ChangeRequest): Promise<ChangeResult>;
  cancelOrder(orderId: string, request: ChangeRequest): Promise<ChangeResult>;
  requestInterception(orderId: string, request: InterceptionRequest): Promise<ChangeResult>;
  startReturn(orderId: string, reason: string, request: ChangeRequest): Promise<ChangeResult>;
  attachReturnTracking(orderId: string, parcel: { carrier: string; trackingNumber: string }, request: ChangeRequest): Promise<ChangeResult>;
  /** A guest's proof of one order (order-proof.ts); always null for a buyer the channel vouches for. */
  proveOrder(orderId: string, phoneLastFour: string): Promise<Order | null>;
}

const NOT_FOUND: ChangeResult = { outcome: 'not_found' };

export function buyerOrders(orders: Orders, conversation: ConversationRef, proven: ProvenOrder | null): BuyerOrders {
  const guest = conversation.guest === true;
  const buyer: BuyerIdentity = { channel: conversation.channel, buyerId: conversation.buyerId };
  const provenHere = guest ? proven : null;
  /** Whose order `orderId` is for this conversation, or null when it is out of its reach. */
  const ownerOf = (orderId: string): BuyerIdentity | null => {
    if (!guest) return buyer;
    return provenHere && provenHere.orderId === orderId ? provenHere.owner : null;
  };
  const change = async (orderId: string, call: (owner: BuyerIdentity) => Promise<ChangeResult>): Promise<ChangeResult> => {
    const owner = ownerOf(orderId);
    return owner ? call(owner) : NOT_FOUND;
  };
  return {
    identity: guest ? 'guest' : 'buyer',
    proven: provenHere,
    async listOrders() {
      if (!guest) return orders.listOrders(buyer);
      if (!provenHere) return [];
      const order = await orders.getOrder(provenHere.owner, provenHere.orderId);
      return order ? [order] : [];
    },
    async getOrder(orderId) {
      const owner = ownerOf(orderId);
      return owner ? orders.getOrder(owner, orderId) : null;
    },
    async trackingEvents(orderId) {
      const owner = ownerOf(orderId);
      return owner ? orders.trackingEvents(owner, orderId) : null;
    },
    changeAddress: (orderId, address, request) => change(orderId, (owner) => orders.changeAddress(owner, orderId, address, request)),
    cancelOrder: (orderId, request) => change(orderId, (owner) => orders.cancelOrder(owner, orderId, request)),
    requestInterception: (orderId, request) => change(orderId, (owner) => orders.requestInterception(owner, orderId, request)),
    startReturn: (orderId, reason, request) => change(orderId, (owner) => orders.startReturn(owner, orderId, reason, request)),
    attachReturnTracking: (orderId, parcel, request) => change(orderId, (owner) => orders.attachReturnTracking(owner, orderId, parcel, request)),
    async proveOrder(orderId, phoneLastFour) {
      if (!guest) return null;
      const order = await orders.proveOrder(orderId, phoneLastFour);
      return order && order.id === orderId && phoneEndsWith(order.address.phone, phoneLastFour) ? order : null;
    },
  };
}
