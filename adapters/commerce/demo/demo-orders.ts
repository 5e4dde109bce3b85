// The demo shop's order system: the embedded default behind the orders port, so `npm start` shows
// the after-sale flows end to end with no shop system. It keeps orders in this process's memory
// (lost on restart, not shared between processes: it stands in for the merchant's system, which in
// production is reached through adapters/commerce/http).
//
// - Buyers listed in demo-orders.yaml have exactly those orders; any other buyer gets a generated
//   sample order book the first time they are seen (sample-orders.ts), at most `maxSampleBuyers`
//   of them (the oldest are forgotten first).
// - Tracking events are simulated: each has a time, and an event is visible once that time has
//   passed on the clock; a shipped order becomes delivered when its "delivered" event is reached.
// - Orders are kept per buyer: another buyer's order id is simply not found.
// - Every change is applied at most once per idempotency key (per buyer) and leaves an audit entry
//   on the order, which the merchant side (auditTrail) reads and buyers never do.

import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type {
  BuyerIdentity,
  ChangeRequest,
  ChangeResult,
  InterceptionRequest,
  Order,
  Orders,
  PostalAddress,
  Refund,
  ReturnRequest,
  TrackingEvent,
} from '../../../dialogs/commerce/orders.ts';
import { phoneEndsWith } from '../../../dialogs/commerce/order-proof.ts';
import { systemClock, type Clock } from '../../../dialogs/ports.ts';
import { sampleOrders } from './sample-orders.ts';

export const DEMO_ORDERS_FILE = new URL('./demo-orders.yaml', import.meta.url);

/** One line of an order's history: who changed what, when. */
export interface AuditEntry {
  at: number;
  actor: string;
  action: 'change_address' | 'cancel' | 'request_interception' | 'start_return' | 'attach_return_tracking';
  idempotencyKey: string;
  /** What the action changed, e.g. the previous and the new address. */
  details: Record<string, unknown>;
}

interface Book {
  orders: Order[];
  events: Map<string, TrackingEvent[]>;
  audit: Map<string, AuditEntry[]>;
  /** Idempotency keys applied for this buyer → the order they changed. */
  applied: Map<string, string>;
  sample: boolean;
}

interface FileOrder extends Omit<Order, 'buyer' | 'createdAt' | 'paidAt' | 'deliveredAt' | 'shipment' | 'refund' | 'returnRequest'> {
  createdAt: string;
  refund?: Omit<Refund, 'requestedAt' | 'issuedAt' | 'expectedBy'> & { requestedAt: string; issuedAt?: string; expectedBy?: string };
  returnRequest?: Omit<ReturnRequest, 'createdAt'> & { createdAt: string };
  paidAt?: string;
  deliveredAt?: string;
  shipment?: { carrier: string; trackingNumber: string; shippedAt: string };
  events?: { at: string; kind: TrackingEvent['kind']; location?: string; description?: string }[];
}

interface OrdersFile {
  buyers: { channel: string; buyerId: string; orders: FileOrder[] }[];
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "-3d", "+2h", "-20m" → milliseconds from `origin`. */
function relativeTime(text: string, origin: number): number {
  const match = /^([+-]?\d+(?:\.\d+)?)([mhd])$/.exec(String(text).trim());
  if (!match) throw new Error(`demo-orders.yaml: "${text}" is not a relative time like -3d, +2h or -20m`);
  return origin + Math.round(Number(match[1]) * UNITS[match[2]!]!);
}

const keyOf = (buyer: BuyerIdentity): string => `${buyer.channel}\u0000${buyer.buyerId}`;
const copy = <T>(value: T): T => structuredClone(value);

export interface DemoOrdersOptions {
  clock?: Clock;
  /** How many generated sample books are kept (a public demo sees many one-off buyers). */
  maxSampleBuyers?: number;
}

export class DemoOrders implements Orders {
  private readonly books = new Map<string, Book>();
  private readonly clock: Clock;
  private readonly maxSampleBuyers: number;
  private sampleCount = 0;

  private constructor(file: OrdersFile, options: DemoOrdersOptions) {
    this.clock = options.clock ?? systemClock;
    this.maxSampleBuyers = options.maxSampleBuyers ?? 10_000;
    const origin = this.clock.now();
    for (const entry of file.buyers ?? []) {
      const buyer = { channel: String(entry.channel), buyerId: String(entry.buyerId) };
      const book: Book = { orders: [], events: new Map(), audit: new Map(), applied: new Map(), sample: false };
      for (const raw of entry.orders ?? []) {
        const { events, createdAt, paidAt, deliveredAt, shipment, refund, returnRequest, ...rest } = raw;
        book.orders.push({
          ...rest,
          buyer,
          createdAt: relativeTime(createdAt, origin),
          ...(paidAt ? { paidAt: relativeTime(paidAt, origin) } : {}),
          ...(deliveredAt ? { deliveredAt: relativeTime(deliveredAt, origin) } : {}),
          ...(shipment ? { shipment: { ...shipment, shippedAt: relativeTime(shipment.shippedAt, origin) } } : {}),
          ...(returnRequest ? { returnRequest: { ...returnRequest, createdAt: relativeTime(returnRequest.createdAt, origin) } } : {}),
          ...(refund
            ? {
              refund: {
                status: refund.status,
                amount: refund.amount,
                currency: refund.currency,
                ...(refund.method ? { method: refund.method } : {}),
                requestedAt: relativeTime(refund.requestedAt, origin),
                ...(refund.issuedAt ? { issuedAt: relativeTime(refund.issuedAt, origin) } : {}),
                ...(refund.expectedBy ? { expectedBy: relativeTime(refund.expectedBy, origin) } : {}),
              },
            }
            : {}),
        });
        if (events) book.events.set(raw.id, events.map((e) => ({ ...e, at: relativeTime(e.at, origin) })));
      }
      book.orders.sort((a, b) => b.createdAt - a.createdAt);
      this.books.set(keyOf(buyer), book);
    }
  }

  static async load(options: DemoOrdersOptions & { file?: URL | string } = {}): Promise<DemoOrders> {
    const data = parse(await readFile(options.file ?? DEMO_ORDERS_FILE, 'utf8')) as OrdersFile;
    if (!Array.isArray(data?.buyers)) throw new Error('demo-orders.yaml: expected a "buyers" list');
    return new DemoOrders(data, options);
  }

  async listOrders(buyer: BuyerIdentity): Promise<Order[]> {
    const book = this.book(buyer);
    return book.orders.map((order) => this.view(book, order));
  }

  async getOrder(buyer: BuyerIdentity, orderId: string): Promise<Order | null> {
    const book = this.book(buyer);
    const order = this.find(book, orderId);
    return order ? this.view(book, order) : null;
  }

  async trackingEvents(buyer: BuyerIdentity, orderId: string): Promise<TrackingEvent[] | null> {
    const book = this.book(buyer);
    if (!this.find(book, orderId)) return null;
    return this.visibleEvents(book, orderId);
  }

  async changeAddress(buyer: BuyerIdentity, orderId: string, address: PostalAddress, request: ChangeRequest): Promise<ChangeResult> {
    return this.change(buyer, orderId, request, 'change_address', (order) => {
      if (order.status !== 'unpaid' && order.status !== 'paid') return null;
      const previous = order.address;
      order.address = copy(address);
      return { previous, next: address };
    });
  }

  async cancelOrder(buyer: BuyerIdentity, orderId: string, request: ChangeRequest): Promise<ChangeResult> {
    return this.change(buyer, orderId, request, 'cancel', (order) => {
      if (order.status !== 'unpaid' && order.status !== 'paid') return null;
      const previous = order.status;
      order.status = 'cancelled';
      // A paid order is refunded in full when cancelled before shipping.
      if (previous === 'paid') {
        order.refund = { status: 'processing', amount: order.total, currency: order.currency, requestedAt: request.at };
      }
      return { previousStatus: previous };
    });
  }

  async requestInterception(buyer: BuyerIdentity, orderId: string, request: InterceptionRequest): Promise<ChangeResult> {
    return this.change(buyer, orderId, request, 'request_interception', (order) => {
      if (order.status !== 'shipped') return null;
      return { note: request.note, ...(request.newAddress ? { newAddress: request.newAddress } : {}) };
    });
  }

  async startReturn(buyer: BuyerIdentity, orderId: string, reason: string, request: ChangeRequest): Promise<ChangeResult> {
    return this.change(buyer, orderId, request, 'start_return', (order) => {
      if ((order.status !== 'delivered' && order.status !== 'shipped') || order.returnRequest) return null;
      order.returnRequest = { id: `R${order.id}`, reason, status: 'awaiting_parcel', createdAt: request.at };
      order.status = 'return_requested';
      return { reason };
    });
  }

  async attachReturnTracking(
    buyer: BuyerIdentity,
    orderId: string,
    parcel: { carrier: string; trackingNumber: string },
    request: ChangeRequest,
  ): Promise<ChangeResult> {
    return this.change(buyer, orderId, request, 'attach_return_tracking', (order) => {
      const ret = order.returnRequest;
      if (!ret || (ret.status !== 'awaiting_parcel' && ret.status !== 'parcel_sent')) return null;
      const previous = ret.trackingNumber ? { carrier: ret.carrier, trackingNumber: ret.trackingNumber } : null;
      ret.carrier = parcel.carrier;
      ret.trackingNumber = parcel.trackingNumber;
      ret.status = 'parcel_sent';
      return { previous, next: parcel };
    });
  }

  async proveOrder(orderId: string, phoneLastFour: string): Promise<Order | null> {
    for (const book of this.books.values()) {
      const order = this.find(book, orderId);
      if (order) return phoneEndsWith(order.address.phone, phoneLastFour) ? this.view(book, order) : null;
    }
    return null;
  }

  /** The order's history, for the merchant's staff (not part of the buyer-facing port). */
  auditTrail(buyer: BuyerIdentity, orderId: string): AuditEntry[] {
    return copy(this.book(buyer).audit.get(orderId) ?? []);
  }

  private change(
    buyer: BuyerIdentity,
    orderId: string,
    request: ChangeRequest,
    action: AuditEntry['action'],
    apply: (order: Order) => Record<string, unknown> | null,
  ): ChangeResult {
    const book = this.book(buyer);
    const order = this.find(book, orderId);
    if (!order) return { outcome: 'not_found' };
    const key = `${action}:${request.idempotencyKey}`;
    const appliedTo = book.applied.get(key);
    if (appliedTo !== undefined) {
      return appliedTo === orderId ? { outcome: 'already_applied', order: this.view(book, order) } : { outcome: 'not_allowed', order: this.view(book, order) };
    }
    this.settle(book, order);
    const details = apply(order);
    if (!details) return { outcome: 'not_allowed', order: this.view(book, order) };
    book.applied.set(key, orderId);
    const trail = book.audit.get(orderId) ?? [];
    trail.push({ at: request.at, actor: request.actor, action, idempotencyKey: request.idempotencyKey, details: copy(details) });
    book.audit.set(orderId, trail);
    return { outcome: 'applied', order: this.view(book, order) };
  }

  private book(buyer: BuyerIdentity): Book {
    const key = keyOf(buyer);
    const existing = this.books.get(key);
    if (existing) return existing;
    const { orders, events } = sampleOrders(buyer, this.clock.now());
    const book: Book = { orders, events, audit: new Map(), applied: new Map(), sample: true };
    this.books.set(key, book);
    this.sampleCount += 1;
    if (this.sampleCount > this.maxSampleBuyers) this.forgetOldestSample();
    return book;
  }

  private forgetOldestSample(): void {
    for (const [key, book] of this.books) {
      if (book.sample) {
        this.books.delete(key);
        this.sampleCount -= 1;
        return;
      }
    }
  }

  private find(book: Book, orderId: string): Order | undefined {
    return book.orders.find((o) => o.id === orderId);
  }

  private visibleEvents(book: Book, orderId: string): TrackingEvent[] {
    const now = this.clock.now();
    return copy((book.events.get(orderId) ?? []).filter((e) => e.at <= now));
  }

  /** Moves a shipped order to delivered once its simulated "delivered" event has happened. */
  private settle(book: Book, order: Order): void {
    if (order.status !== 'shipped') return;
    const delivered = this.visibleEvents(book, order.id).find((e) => e.kind === 'delivered');
    if (delivered) {
      order.status = 'delivered';
      order.deliveredAt = delivered.at;
    }
  }

  private view(book: Book, order: Order): Order {
    this.settle(book, order);
    return copy(order);
  }
}
