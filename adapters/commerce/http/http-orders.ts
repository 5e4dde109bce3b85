// The orders port over a merchant's HTTP API (contract: docs/openapi/commerce-orders.yaml), through
// the shared merchant-API client (timeouts, retries, bearer token). Every path names the buyer, so
// the merchant's system answers for that buyer only; a 404 is "not found" (also for another buyer's
// order). Answers are checked before they are used: an order that is not shaped as the contract says,
// or that belongs to another buyer than the one asked about, is never shown (the latter is dropped
// and logged, the former makes the call fail as "unavailable").
// Every id in a path is one encoded segment (adapters/http/path-segment.ts); an id that cannot be one
// ("..", ".", empty) is never sent: the answer is what the API would say of an unknown id.
// It is also an OrderEventSource: it polls GET /order-events every eventsPollMs (order-events-poller.ts).

import { CommerceUnavailableError } from '../../../dialogs/commerce/commerce-unavailable.ts';
import { phoneEndsWith } from '../../../dialogs/commerce/order-proof.ts';
import type {
  BuyerIdentity,
  ChangeRequest,
  ChangeResult,
  InterceptionRequest,
  Order,
  Orders,
  PostalAddress,
  TrackingEvent,
} from '../../../dialogs/commerce/orders.ts';
import type { OrderEventListener, OrderEventSource } from '../../../dialogs/commerce/order-events.ts';
import type { Logger } from '../../../dialogs/ports.ts';
import { isSafePathSegment, pathSegment } from '../../http/path-segment.ts';
import { CommerceHttpClient } from './commerce-http-client.ts';
import { OrderEventsPoller } from './order-events-poller.ts';

export interface HttpOrdersOptions {
  baseUrl: string;
  token?: string | null;
  timeoutMs: number;
  /** Extra attempts on network errors, 5xx and 429 (reads only; changes carry an idempotency key, so they are retried too). */
  retries?: number;
  logger: Logger;
  /** For tests: no real waiting between retries. */
  sleep?: (ms: number) => Promise<void>;
  /** Pause between polls of GET /order-events (orders.http.eventsPollSeconds); 0 or absent: no polling. */
  eventsPollMs?: number;
  /** Events asked for per poll page (default 100). */
  eventsPageSize?: number;
}

const STATUSES = new Set(['unpaid', 'paid', 'shipped', 'delivered', 'cancelled', 'return_requested', 'returned', 'refunded']);
const EVENT_KINDS = new Set(['picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'failed_delivery', 'returned_to_sender', 'exception']);
const OUTCOMES = new Set(['applied', 'already_applied', 'not_allowed']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 1000;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Whether a value has the shape of the contract's Order (the fields flows rely on). */
function isOrder(v: unknown): v is Order {
  if (!isRecord(v) || !isText(v.id) || !STATUSES.has(v.status as string) || !isTime(v.createdAt)) return false;
  if (!isRecord(v.buyer) || !isText(v.buyer.channel) || !isText(v.buyer.buyerId)) return false;
  if (!Array.isArray(v.lines) || !v.lines.every((l) => isRecord(l) && isRecord(l.name) && typeof l.quantity === 'number')) return false;
  if (typeof v.total !== 'number' || !isText(v.currency)) return false;
  const a = v.address;
  if (!isRecord(a) || !isText(a.country) || typeof a.street !== 'string' || typeof a.recipient !== 'string' || typeof a.phone !== 'string') return false;
  if (v.shipment !== undefined && (!isRecord(v.shipment) || !isText(v.shipment.carrier) || !isText(v.shipment.trackingNumber))) return false;
  return true;
}

function isEvent(v: unknown): v is TrackingEvent {
  return isRecord(v) && isTime(v.at) && EVENT_KINDS.has(v.kind as string);
}

export class HttpOrders implements Orders, OrderEventSource {
  private readonly client: CommerceHttpClient;
  /** For polls: no retries inside one, the next interval is the retry. */
  private readonly pollClient: CommerceHttpClient;
  private readonly logger: Logger;
  private readonly pollers = new Set<OrderEventsPoller>();

  constructor(private readonly options: HttpOrdersOptions) {
    const common = { baseUrl: options.baseUrl, token: options.token ?? null, timeoutMs: options.timeoutMs, ...(options.sleep ? { sleep: options.sleep } : {}) };
    this.client = new CommerceHttpClient({ ...common, retries: options.retries ?? 2 });
    this.pollClient = new CommerceHttpClient({ ...common, retries: 0 });
    this.logger = options.logger;
  }

  /** Polls the API's order events for this listener until the returned function (or close) stops it. */
  onOrderEvent(listener: OrderEventListener): () => void {
    const intervalMs = this.options.eventsPollMs ?? 0;
    if (intervalMs <= 0) return () => {};
    const poller = new OrderEventsPoller({
      client: this.pollClient,
      listener,
      intervalMs,
      ...(this.options.eventsPageSize ? { pageSize: this.options.eventsPageSize } : {}),
      logger: this.logger,
    });
    this.pollers.add(poller);
    poller.start();
    this.logger.info({ everyMs: intervalMs }, 'polling the order API for order events');
    return () => {
      this.pollers.delete(poller);
      void poller.stop();
    };
  }

  /** Stops every poll (and waits for one under way). */
  async close(): Promise<void> {
    const pollers = [...this.pollers];
    this.pollers.clear();
    await Promise.all(pollers.map((poller) => poller.stop()));
  }

  async listOrders(buyer: BuyerIdentity): Promise<Order[]> {
    const buyerPath = this.buyerPath(buyer);
    if (!buyerPath) return [];
    const path = `${buyerPath}/orders`;
    const body = await this.client.getJson<{ orders?: unknown }>(path);
    if (body === null) return [];
    if (!isRecord(body) || !Array.isArray(body.orders)) throw this.mismatch(path, 'expected {"orders": [...]}');
    if (!body.orders.every(isOrder)) throw this.mismatch(path, 'an order does not match the contract');
    return body.orders.filter((order) => this.owned(buyer, order, path));
  }

  async getOrder(buyer: BuyerIdentity, orderId: string): Promise<Order | null> {
    const path = this.orderPath(buyer, orderId);
    if (!path) return null;
    const body = await this.client.getJson<unknown>(path);
    if (body === null) return null;
    if (!isOrder(body)) throw this.mismatch(path, 'the order does not match the contract');
    return this.owned(buyer, body, path) && body.id === orderId ? body : null;
  }

  async trackingEvents(buyer: BuyerIdentity, orderId: string): Promise<TrackingEvent[] | null> {
    const orderPath = this.orderPath(buyer, orderId);
    if (!orderPath) return null;
    const path = `${orderPath}/tracking`;
    const body = await this.client.getJson<{ events?: unknown }>(path);
    if (body === null) return null;
    if (!isRecord(body) || !Array.isArray(body.events) || !body.events.every(isEvent)) throw this.mismatch(path, 'expected {"events": [...]}');
    return [...body.events].sort((a, b) => a.at - b.at);
  }

  /** POST /orders/{orderId}/proof: the digits travel in the body, never in a path or a log. */
  async proveOrder(orderId: string, phoneLastFour: string): Promise<Order | null> {
    if (!isSafePathSegment(orderId)) return null;
    const path = `/orders/${pathSegment(orderId)}/proof`;
    const body = await this.client.postJson<unknown>(path, { phoneLastFour });
    if (body === null) return null;
    if (!isOrder(body)) throw this.mismatch(path, 'the order does not match the contract');
    // Defence in depth, as for owned(): an API that answers another order, or a phone that does not
    // end in the digits, proves nothing.
    if (body.id !== orderId || !phoneEndsWith(body.address.phone, phoneLastFour)) {
      this.logger.error({ path, orderId: body.id }, 'the order API proved an order the digits do not fit; refused');
      return null;
    }
    return body;
  }

  changeAddress(buyer: BuyerIdentity, orderId: string, address: PostalAddress, request: ChangeRequest): Promise<ChangeResult> {
    return this.change(buyer, orderId, 'address', { ...this.requestBody(request), address });
  }

  cancelOrder(buyer: BuyerIdentity, orderId: string, request: ChangeRequest): Promise<ChangeResult> {
    return this.change(buyer, orderId, 'cancel', this.requestBody(request));
  }

  requestInterception(buyer: BuyerIdentity, orderId: string, request: InterceptionRequest): Promise<ChangeResult> {
    return this.change(buyer, orderId, 'interception', {
      ...this.requestBody(request),
      note: request.note,
      ...(request.newAddress ? { newAddress: request.newAddress } : {}),
    });
  }

  startReturn(buyer: BuyerIdentity, orderId: string, reason: string, request: ChangeRequest): Promise<ChangeResult> {
    return this.change(buyer, orderId, 'return', { ...this.requestBody(request), reason });
  }

  attachReturnTracking(
    buyer: BuyerIdentity,
    orderId: string,
    parcel: { carrier: string; trackingNumber: string },
    request: ChangeRequest,
  ): Promise<ChangeResult> {
    return this.change(buyer, orderId, 'return/parcel', { ...this.requestBody(request), ...parcel });
  }

  private async change(buyer: BuyerIdentity, orderId: string, what: string, body: Record<string, unknown>): Promise<ChangeResult> {
    const orderPath = this.orderPath(buyer, orderId);
    if (!orderPath) return { outcome: 'not_found' };
    const path = `${orderPath}/${what}`;
    const answer = await this.client.postJson<unknown>(path, body);
    if (answer === null) return { outcome: 'not_found' };
    if (!isRecord(answer) || !OUTCOMES.has(answer.outcome as string)) throw this.mismatch(path, 'expected {"outcome": …}');
    if (answer.order !== undefined && !isOrder(answer.order)) throw this.mismatch(path, 'the order does not match the contract');
    const order = answer.order as Order | undefined;
    if (order && (!this.owned(buyer, order, path) || order.id !== orderId)) return { outcome: 'not_found' };
    return { outcome: answer.outcome as ChangeResult['outcome'], ...(order ? { order } : {}) };
  }

  private requestBody(request: ChangeRequest): Record<string, unknown> {
    return { idempotencyKey: request.idempotencyKey, actor: request.actor, at: request.at };
  }

  /** /buyers/{channel}/{buyerId}, or null when an id cannot be a path segment (no such buyer then). */
  private buyerPath(buyer: BuyerIdentity): string | null {
    if (!isSafePathSegment(buyer.channel) || !isSafePathSegment(buyer.buyerId)) return null;
    return `/buyers/${pathSegment(buyer.channel)}/${pathSegment(buyer.buyerId)}`;
  }

  /** …/orders/{orderId}, or null when an id cannot be a path segment (no such order then). */
  private orderPath(buyer: BuyerIdentity, orderId: string): string | null {
    const buyerPath = this.buyerPath(buyer);
    if (!buyerPath || !isSafePathSegment(orderId)) return null;
    return `${buyerPath}/orders/${pathSegment(orderId)}`;
  }

  /** Defence in depth: an order of another buyer is never passed on, whatever the API answers. */
  private owned(buyer: BuyerIdentity, order: Order, path: string): boolean {
    const mine = order.buyer.channel === buyer.channel && order.buyer.buyerId === buyer.buyerId;
    if (!mine) this.logger.error({ path, orderId: order.id }, 'the order API answered with another buyer\'s order; dropped');
    return mine;
  }

  private mismatch(path: string, reason: string): CommerceUnavailableError {
    this.logger.error({ path, reason }, 'the order API answered outside its contract');
    return new CommerceUnavailableError(path, `contract mismatch: ${reason}`);
  }
}
