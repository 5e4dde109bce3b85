import { describe, expect, it } from 'vitest';
import { DemoOrders } from '../../adapters/commerce/demo/demo-orders.ts';
import type { BuyerIdentity, ChangeRequest } from '../../dialogs/commerce/orders.ts';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 0, 1, 2, 0, 0);
const alice: BuyerIdentity = { channel: 'webchat', buyerId: 'alice' };
const bob: BuyerIdentity = { channel: 'webchat', buyerId: 'bob' };

async function demo() {
  let now = start;
  const orders = await DemoOrders.load({ clock: { now: () => now } });
  return { orders, advance: (ms: number) => (now += ms), now: () => now };
}

const request = (key: string, at = start): ChangeRequest => ({ idempotencyKey: key, actor: 'test', at });

describe('demo orders backend', () => {
  it('gives a new buyer one sample order of each kind, newest first, with stable ids', async () => {
    const { orders } = await demo();
    const list = await orders.listOrders(alice);
    expect(list.map((o) => o.status)).toEqual(['unpaid', 'paid', 'shipped', 'shipped', 'delivered', 'refunded']);
    const again = await (await demo()).orders.listOrders(alice);
    expect(again.map((o) => o.id)).toEqual(list.map((o) => o.id));
    expect(list.every((o) => /^KF\d{12}$/.test(o.id))).toBe(true);
  });

  it('never shows one buyer another buyer\'s order', async () => {
    const { orders } = await demo();
    const aliceOrder = (await orders.listOrders(alice))[1]!;
    const bobIds = (await orders.listOrders(bob)).map((o) => o.id);
    expect(bobIds).not.toContain(aliceOrder.id);
    expect(await orders.getOrder(bob, aliceOrder.id)).toBeNull();
    expect(await orders.trackingEvents(bob, aliceOrder.id)).toBeNull();
    expect((await orders.changeAddress(bob, aliceOrder.id, aliceOrder.address, request('k'))).outcome).toBe('not_found');
    expect((await orders.cancelOrder(bob, aliceOrder.id, request('k'))).outcome).toBe('not_found');
    // The same buyer id on another channel is another buyer.
    expect(await orders.getOrder({ channel: 'lazada', buyerId: 'alice' }, aliceOrder.id)).toBeNull();
  });

  it('buyers listed in the data file have exactly their orders', async () => {
    const { orders } = await demo();
    expect(await orders.listOrders({ channel: 'test', buyerId: 'buyer-without-orders' })).toEqual([]);
    const other = await orders.listOrders({ channel: 'test', buyerId: 'buyer-other' });
    expect(other.map((o) => o.id)).toEqual(['KF20251120990001']);
  });

  it('reveals simulated tracking events as time passes and delivers the parcel', async () => {
    const { orders, advance } = await demo();
    const moving = (await orders.listOrders(alice)).find((o) => o.status === 'shipped')!;
    const before = await orders.trackingEvents(alice, moving.id);
    expect(before!.at(-1)!.kind).toBe('in_transit');
    advance(8 * HOUR);
    const after = await orders.trackingEvents(alice, moving.id);
    expect(after!.map((e) => e.kind).slice(-2)).toEqual(['out_for_delivery', 'delivered']);
    expect((await orders.getOrder(alice, moving.id))!.status).toBe('delivered');
  });

  it('applies a change once per idempotency key and records one audit entry', async () => {
    const { orders } = await demo();
    const paid = (await orders.listOrders(alice)).find((o) => o.status === 'paid')!;
    const address = { ...paid.address, street: '新地址1号' };
    const first = await orders.changeAddress(alice, paid.id, address, request('change-1'));
    const second = await orders.changeAddress(alice, paid.id, { ...address, street: '别的地址' }, request('change-1'));
    expect(first.outcome).toBe('applied');
    expect(second.outcome).toBe('already_applied');
    expect((await orders.getOrder(alice, paid.id))!.address.street).toBe('新地址1号');
    const trail = orders.auditTrail(alice, paid.id);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ action: 'change_address', actor: 'test', idempotencyKey: 'change-1' });
    expect(trail[0]!.details).toMatchObject({ previous: { street: paid.address.street }, next: { street: '新地址1号' } });
  });

  it('refuses an address change or a cancellation once shipped', async () => {
    const { orders } = await demo();
    const shipped = (await orders.listOrders(alice)).find((o) => o.status === 'shipped')!;
    expect((await orders.changeAddress(alice, shipped.id, shipped.address, request('a'))).outcome).toBe('not_allowed');
    expect((await orders.cancelOrder(alice, shipped.id, request('b'))).outcome).toBe('not_allowed');
    expect((await orders.requestInterception(alice, shipped.id, { ...request('c'), note: 'new address' })).outcome).toBe('applied');
    expect(orders.auditTrail(alice, shipped.id).map((e) => e.action)).toEqual(['request_interception']);
  });

  it('returns: start once, attach a parcel, refunds of a cancelled paid order', async () => {
    const { orders } = await demo();
    const list = await orders.listOrders(alice);
    const delivered = list.find((o) => o.status === 'delivered')!;
    expect((await orders.startReturn(alice, delivered.id, 'size', request('r1'))).outcome).toBe('applied');
    expect((await orders.startReturn(alice, delivered.id, 'size', request('r2'))).outcome).toBe('not_allowed');
    const attached = await orders.attachReturnTracking(alice, delivered.id, { carrier: 'sf', trackingNumber: 'SF1234567890123' }, request('t1'));
    expect(attached.order!.returnRequest).toMatchObject({ status: 'parcel_sent', carrier: 'sf', trackingNumber: 'SF1234567890123' });
    const paid = list.find((o) => o.status === 'paid')!;
    const cancelled = await orders.cancelOrder(alice, paid.id, request('c1'));
    expect(cancelled.order).toMatchObject({ status: 'cancelled', refund: { status: 'processing', amount: paid.total } });
  });

  it('keeps at most maxSampleBuyers generated books', async () => {
    const orders = await DemoOrders.load({ clock: { now: () => start }, maxSampleBuyers: 2 });
    const first = (await orders.listOrders({ channel: 'webchat', buyerId: 'b1' }))[1]!;
    await orders.changeAddress({ channel: 'webchat', buyerId: 'b1' }, first.id, { ...first.address, street: 'x' }, request('k'));
    await orders.listOrders({ channel: 'webchat', buyerId: 'b2' });
    await orders.listOrders({ channel: 'webchat', buyerId: 'b3' });
    // b1 was forgotten and starts over with a fresh sample book.
    expect((await orders.getOrder({ channel: 'webchat', buyerId: 'b1' }, first.id))!.address.street).not.toBe('x');
  });

  it('hands out copies: a caller cannot change the stored order', async () => {
    const { orders } = await demo();
    const order = (await orders.listOrders(alice))[0]!;
    order.status = 'cancelled';
    order.address.street = 'hacked';
    expect((await orders.getOrder(alice, order.id))!.status).toBe('unpaid');
  });
});
