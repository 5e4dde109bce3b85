// One contract for every implementation of the orders port: the demo order book, and the merchant's
// HTTP API (HttpOrders talking to a loopback server that speaks docs/openapi/commerce-orders.yaml).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoOrders } from '../../adapters/commerce/demo/demo-orders.ts';
import { HttpOrders } from '../../adapters/commerce/http/http-orders.ts';
import type { BuyerIdentity, ChangeRequest, Orders } from '../../dialogs/commerce/orders.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { startMerchantOrdersApi, type MerchantOrdersApi } from '../support/merchant-orders-api.ts';

const start = Date.UTC(2026, 0, 1, 2, 0, 0);
const clock = { now: () => start };
let api: MerchantOrdersApi;

beforeAll(async () => {
  api = await startMerchantOrdersApi({ clock, token: 'secret-token' });
});
afterAll(async () => {
  await api.close();
});

const implementations: [string, () => Promise<Orders>][] = [
  ['demo', () => DemoOrders.load({ clock })],
  ['http', async () => new HttpOrders({ baseUrl: api.url, token: 'secret-token', timeoutMs: 2000, logger: silentLogger })],
];

let n = 0;
const fresh = (): BuyerIdentity => ({ channel: 'webchat', buyerId: `contract-${++n}-${Math.random().toString(36).slice(2)}` });
const request = (key: string): ChangeRequest => ({ idempotencyKey: key, actor: 'contract test', at: start });

describe.each(implementations)('orders port: %s', (_name, create) => {
  let orders: Orders;
  beforeAll(async () => {
    orders = await create();
  });

  it('lists a buyer\'s orders newest first and reads one', async () => {
    const buyer = fresh();
    const list = await orders.listOrders(buyer);
    expect(list.length).toBeGreaterThan(0);
    expect(list.map((o) => o.createdAt)).toEqual([...list.map((o) => o.createdAt)].sort((a, b) => b - a));
    const one = await orders.getOrder(buyer, list[0]!.id);
    expect(one).toEqual(list[0]);
  });

  it('answers another buyer\'s order exactly like one that does not exist', async () => {
    const alice = fresh();
    const bob = fresh();
    const aliceOrder = (await orders.listOrders(alice)).find((o) => o.status === 'paid')!;
    expect(await orders.getOrder(bob, aliceOrder.id)).toBeNull();
    expect(await orders.getOrder(bob, 'KF000000000000')).toBeNull();
    expect(await orders.trackingEvents(bob, aliceOrder.id)).toBeNull();
    expect(await orders.changeAddress(bob, aliceOrder.id, aliceOrder.address, request('x'))).toEqual({ outcome: 'not_found' });
    expect(await orders.cancelOrder(bob, aliceOrder.id, request('y'))).toEqual({ outcome: 'not_found' });
    expect(await orders.startReturn(bob, aliceOrder.id, 'size', request('z'))).toEqual({ outcome: 'not_found' });
    expect((await orders.getOrder(alice, aliceOrder.id))!.status).toBe('paid');
  });

  it('applies an address change once per idempotency key', async () => {
    const buyer = fresh();
    const paid = (await orders.listOrders(buyer)).find((o) => o.status === 'paid')!;
    const next = { ...paid.address, street: '世纪大道100号' };
    const first = await orders.changeAddress(buyer, paid.id, next, request('k1'));
    const again = await orders.changeAddress(buyer, paid.id, { ...next, street: '别处' }, request('k1'));
    expect(first.outcome).toBe('applied');
    expect(again.outcome).toBe('already_applied');
    expect((await orders.getOrder(buyer, paid.id))!.address.street).toBe('世纪大道100号');
  });

  it('refuses changes a shipped order cannot take, and intercepts it instead', async () => {
    const buyer = fresh();
    const shipped = (await orders.listOrders(buyer)).find((o) => o.status === 'shipped')!;
    expect((await orders.changeAddress(buyer, shipped.id, shipped.address, request('a'))).outcome).toBe('not_allowed');
    expect((await orders.cancelOrder(buyer, shipped.id, request('b'))).outcome).toBe('not_allowed');
    expect((await orders.requestInterception(buyer, shipped.id, { ...request('c'), note: 'redirect', newAddress: shipped.address })).outcome).toBe('applied');
  });

  it('reads tracking events oldest first', async () => {
    const buyer = fresh();
    const shipped = (await orders.listOrders(buyer)).find((o) => o.status === 'shipped')!;
    const events = (await orders.trackingEvents(buyer, shipped.id))!;
    expect(events.length).toBeGreaterThan(0);
    expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort((a, b) => a - b));
  });

  it('starts a return and attaches the parcel', async () => {
    const buyer = fresh();
    const delivered = (await orders.listOrders(buyer)).find((o) => o.status === 'delivered')!;
    expect((await orders.startReturn(buyer, delivered.id, 'size', request('r'))).outcome).toBe('applied');
    const attached = await orders.attachReturnTracking(buyer, delivered.id, { carrier: 'sf', trackingNumber: 'SF1234567890123' }, request('t'));
    expect(attached.outcome).toBe('applied');
    expect(attached.order!.returnRequest).toMatchObject({ carrier: 'sf', trackingNumber: 'SF1234567890123', status: 'parcel_sent' });
  });

  it('cancels an unpaid order once', async () => {
    const buyer = fresh();
    const unpaid = (await orders.listOrders(buyer)).find((o) => o.status === 'unpaid')!;
    expect((await orders.cancelOrder(buyer, unpaid.id, request('c'))).outcome).toBe('applied');
    expect((await orders.cancelOrder(buyer, unpaid.id, request('c'))).outcome).toBe('already_applied');
    expect((await orders.cancelOrder(buyer, unpaid.id, request('other'))).outcome).toBe('not_allowed');
  });

  it('proves an order to a guest by its number and the last four digits of its phone, with its buyer', async () => {
    const buyer = fresh();
    const paid = (await orders.listOrders(buyer)).find((o) => o.status === 'paid')!;
    const lastFour = paid.address.phone.slice(-4);
    const proven = await orders.proveOrder(paid.id, lastFour);
    expect(proven).toEqual(paid);
    expect(proven!.buyer).toEqual(buyer);
  });

  it('answers wrong digits exactly like an order that does not exist', async () => {
    const paid = (await orders.listOrders(fresh())).find((o) => o.status === 'paid')!;
    const wrong = paid.address.phone.slice(-4) === '0000' ? '1111' : '0000';
    expect(await orders.proveOrder(paid.id, wrong)).toBeNull();
    expect(await orders.proveOrder('KF000000000000', paid.address.phone.slice(-4))).toBeNull();
    expect(await orders.proveOrder(paid.id, '')).toBeNull();
  });
});
