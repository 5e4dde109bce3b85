// The sample order book a buyer gets the first time the demo shop sees them, so the after-sale
// flows can be tried in a browser without setting anything up. It is deterministic: the same buyer
// gets the same order ids, and the times are relative to the moment the buyer was first seen.
// One order of each kind the flows treat differently: unpaid (shipping abroad, for the
// international address path), paid but not shipped, shipped and moving (its last events still
// "in the future", so they appear as time passes), shipped but stalled, delivered within the
// return window, and refunded.

import { createHash } from 'node:crypto';
import type { BuyerIdentity, Order, TrackingEvent } from '../../../dialogs/commerce/orders.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface SampleBook {
  orders: Order[];
  /** Tracking events by order id, some of them later than `firstSeen` (revealed as time passes). */
  events: Map<string, TrackingEvent[]>;
}

/** 10 digits from the buyer's identity: ids differ between buyers and are stable for one buyer. */
function buyerDigits(buyer: BuyerIdentity): string {
  const hex = createHash('sha256').update(`${buyer.channel}\u0000${buyer.buyerId}`).digest('hex');
  return (BigInt(`0x${hex.slice(0, 15)}`) % 10_000_000_000n).toString().padStart(10, '0');
}

const tee = { productId: 'tee-classic', name: { 'zh-Hans': '经典纯棉圆领T恤', 'zh-Hant': '經典純棉圓領T恤', en: 'Classic Cotton Crew Tee' } };
const hoodie = { productId: 'hoodie-fleece', name: { 'zh-Hans': '加绒连帽卫衣', 'zh-Hant': '加絨連帽衛衣', en: 'Fleece Hoodie' } };
const jeans = { productId: 'jeans-slim', name: { 'zh-Hans': '修身弹力牛仔裤', 'zh-Hant': '修身彈力牛仔褲', en: 'Slim Stretch Jeans' } };
const mango = { productId: 'mango-dried', name: { 'zh-Hans': '芒果干 108g', 'zh-Hant': '芒果乾 108g', en: 'Dried Mango 108 g' } };
const walnuts = { productId: 'walnuts-paper', name: { 'zh-Hans': '纸皮核桃 500g', 'zh-Hant': '紙皮核桃 500g', en: 'Paper-shell Walnuts 500 g' } };

const hangzhou = { country: 'CN', province: '浙江省', city: '杭州市', district: '西湖区', street: '文三路90号东部软件园3号楼', recipient: '王小明', phone: '+8613812345678' };

export function sampleOrders(buyer: BuyerIdentity, firstSeen: number): SampleBook {
  const prefix = `KF${buyerDigits(buyer)}`;
  const id = (n: number): string => `${prefix}${String(n).padStart(2, '0')}`;
  const t = (offset: number): number => firstSeen + offset;
  const base = { buyer: { ...buyer }, currency: 'CNY' };

  const orders: Order[] = [
    {
      ...base,
      id: id(1),
      status: 'unpaid',
      createdAt: t(-20 * MINUTE),
      lines: [{ ...tee, colour: 'white', size: 'M', quantity: 2, unitPrice: 79 }],
      total: 158,
      address: { country: 'SG', city: 'Singapore', street: '10 Anson Road #12-01', postcode: '079903', recipient: 'Lin Mei', phone: '+6591234567' },
      payUrl: `https://shop.example/pay/${id(1)}`,
    },
    {
      ...base,
      id: id(2),
      status: 'paid',
      createdAt: t(-5 * HOUR),
      paidAt: t(-5 * HOUR + 2 * MINUTE),
      lines: [{ ...hoodie, colour: 'black', size: 'L', quantity: 1, unitPrice: 259 }],
      total: 259,
      address: { ...hangzhou },
    },
    {
      ...base,
      id: id(3),
      status: 'shipped',
      createdAt: t(-2 * DAY),
      paidAt: t(-2 * DAY + 5 * MINUTE),
      lines: [{ ...jeans, size: '30', quantity: 1, unitPrice: 199 }],
      total: 199,
      address: { ...hangzhou },
      shipment: { carrier: 'sf', trackingNumber: `SF${buyerDigits(buyer)}003`, shippedAt: t(-30 * HOUR) },
    },
    {
      ...base,
      id: id(4),
      status: 'shipped',
      createdAt: t(-6 * DAY),
      paidAt: t(-6 * DAY + 3 * MINUTE),
      lines: [{ ...mango, quantity: 3, unitPrice: 25 }],
      total: 75,
      address: { ...hangzhou },
      shipment: { carrier: 'yunda', trackingNumber: `43${buyerDigits(buyer)}004`, shippedAt: t(-5 * DAY) },
    },
    {
      ...base,
      id: id(5),
      status: 'delivered',
      createdAt: t(-7 * DAY),
      paidAt: t(-7 * DAY + 1 * MINUTE),
      lines: [{ ...hoodie, colour: 'grey', size: 'M', quantity: 1, unitPrice: 259 }],
      total: 259,
      address: { ...hangzhou },
      shipment: { carrier: 'zto', trackingNumber: `7${buyerDigits(buyer)}5`, shippedAt: t(-6 * DAY) },
      deliveredAt: t(-2 * DAY),
    },
    {
      ...base,
      id: id(6),
      status: 'refunded',
      createdAt: t(-20 * DAY),
      paidAt: t(-20 * DAY + 1 * MINUTE),
      lines: [{ ...walnuts, quantity: 1, unitPrice: 39 }],
      total: 39,
      address: { ...hangzhou },
      shipment: { carrier: 'sto', trackingNumber: `77${buyerDigits(buyer)}006`, shippedAt: t(-19 * DAY) },
      deliveredAt: t(-17 * DAY),
      returnRequest: { id: `R${id(6)}`, reason: 'quality', status: 'refunded', createdAt: t(-15 * DAY), carrier: 'sf', trackingNumber: `SF${buyerDigits(buyer)}106` },
      refund: { status: 'issued', amount: 39, currency: 'CNY', method: 'alipay', requestedAt: t(-12 * DAY), issuedAt: t(-1 * DAY), expectedBy: t(2 * DAY) },
    },
  ];

  const events = new Map<string, TrackingEvent[]>([
    [id(3), [
      { at: t(-29 * HOUR), kind: 'picked_up', location: '杭州' },
      { at: t(-22 * HOUR), kind: 'in_transit', location: '杭州转运中心' },
      { at: t(-8 * HOUR), kind: 'in_transit', location: '上海转运中心' },
      // Still ahead when the buyer is first seen: the parcel "moves" while the demo runs.
      { at: t(3 * HOUR), kind: 'out_for_delivery', location: '上海浦东' },
      { at: t(7 * HOUR), kind: 'delivered', location: '上海浦东' },
    ]],
    // The last event is three days old: stalled.
    [id(4), [
      { at: t(-5 * DAY + 2 * HOUR), kind: 'picked_up', location: '杭州' },
      { at: t(-3 * DAY), kind: 'in_transit', location: '金华转运中心' },
    ]],
    [id(5), [
      { at: t(-6 * DAY + 2 * HOUR), kind: 'picked_up', location: '杭州' },
      { at: t(-4 * DAY), kind: 'in_transit', location: '杭州转运中心' },
      { at: t(-2 * DAY - 3 * HOUR), kind: 'out_for_delivery', location: '杭州西湖' },
      { at: t(-2 * DAY), kind: 'delivered', location: '杭州西湖' },
    ]],
    [id(6), [
      { at: t(-19 * DAY + 2 * HOUR), kind: 'picked_up', location: '杭州' },
      { at: t(-17 * DAY), kind: 'delivered', location: '杭州西湖' },
    ]],
  ]);
  return { orders, events };
}
