// The reminder's words: the flow file's payment_reminder response filled with the order, in each
// language; long orders shortened; no card when there is no pay link; a flow set without the
// response is an error (the job is retried, then logged), never an empty message.

import { beforeAll, describe, expect, it } from 'vitest';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import type { Order } from '../../dialogs/commerce/orders.ts';
import { loadFlows, type FlowSet } from '../../dialogs/flows/load-flows.ts';
import { LANGUAGES } from '../../dialogs/messages.ts';
import { formatItems, formatMoney, paymentReminderReplies } from '../../dialogs/reminders/reminder-message.ts';

const shopName = { 'zh-Hans': '小蜜演示店', 'zh-Hant': '小蜜演示店', en: 'Kefu Demo Shop' };
const line = (n: number) => ({
  productId: `p${n}`,
  name: { 'zh-Hans': `商品${n}`, 'zh-Hant': `商品${n}`, en: `Item ${n}` },
  quantity: n,
  unitPrice: 10,
});
const order: Order = {
  id: 'KF1001',
  buyer: { channel: 'webchat', buyerId: 'b' },
  status: 'unpaid',
  createdAt: 0,
  lines: [{ ...line(1), size: 'L', colour: '黑色' }, line(2), line(3), line(4)],
  total: 1234.5,
  currency: 'CNY',
  address: { country: 'CN', street: '文三路90号', recipient: '王小明', phone: '+8613812345678' },
  payUrl: 'https://shop.example/pay/KF1001',
};

let flows: FlowSet;
beforeAll(async () => {
  const loaded = await loadFlows('flows', { actions: builtInActions });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  flows = loaded.flowSet;
});

describe('payment reminder message', () => {
  it('lists at most three lines, with colour and size, in each language’s punctuation', () => {
    expect(formatItems(order, 'zh-Hans', new Map(), flows.vocabulary)).toBe('商品1(黑色L码)×1、商品2×2、商品3×3、…');
    expect(formatItems(order, 'en', new Map(), flows.vocabulary)).toBe('Item 1 (黑色 L) × 1, Item 2 × 2, Item 3 × 3, …');
  });

  it('names a variant by the catalog’s colour name and the vocabulary’s size, never by its ids', async () => {
    const catalog = await DemoCatalog.load();
    const tee = (await catalog.getProduct('tee-classic'))!;
    const teeOrder: Order = { ...order, lines: [{ productId: 'tee-classic', name: tee.name, colour: 'white', size: 'M', quantity: 1, unitPrice: 79 }] };
    const products = new Map([[tee.id, tee]]);
    expect(formatItems(teeOrder, 'zh-Hans', products, flows.vocabulary)).toBe('经典纯棉圆领T恤(白色M码)×1');
    expect(formatItems(teeOrder, 'zh-Hant', products, flows.vocabulary)).toBe('經典純棉圓領T恤(白色M碼)×1');
    expect(formatItems(teeOrder, 'en', products, flows.vocabulary)).toBe('Classic Cotton Crew Tee (White M) × 1');
    const [reply] = paymentReminderReplies(flows, teeOrder, 'zh-Hans', shopName, 1, products);
    expect(reply!.text).toContain('(白色M码)');
    expect(reply!.text).not.toMatch(/white|\(M,/);
  });

  it('writes money with its currency, and copes with a currency Intl does not know', () => {
    expect(formatMoney(1234.5, 'CNY', 'zh-Hans')).toBe('¥1,234.50');
    expect(formatMoney(9.9, 'USD', 'en')).toBe('$9.90');
    expect(formatMoney(5, 'XYZ1', 'en')).toBe('5.00 XYZ1');
  });

  it.each(LANGUAGES)('fills every placeholder in %s, with the pay link on the card', (language) => {
    for (const n of [1, 2, 3]) {
      const [reply] = paymentReminderReplies(flows, order, language, shopName, n);
      expect(reply!.text).not.toContain('{{');
      expect(reply!.text).toContain(language === 'en' ? 'Item 1' : '商品1');
      expect(reply!.card!.url).toBe(order.payUrl);
      expect(reply!.card!.subtitle).toContain('KF1001');
    }
  });

  it('leaves the card out when the order has no pay link', () => {
    const { payUrl: _none, ...withoutLink } = order;
    const [reply] = paymentReminderReplies(flows, withoutLink, 'zh-Hans', shopName, 1);
    expect(reply!.card).toBeUndefined();
    expect(reply!.text).toContain('商品1');
  });

  it('fails clearly when the flows have no payment_reminder response', () => {
    const without = { ...flows, responses: new Map([...flows.responses].filter(([name]) => name !== 'payment_reminder')) } as FlowSet;
    expect(() => paymentReminderReplies(without, order, 'en', shopName, 1)).toThrow(/payment_reminder/);
  });
});
