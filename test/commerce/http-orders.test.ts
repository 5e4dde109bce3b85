// The HTTP orders adapter against an unlucky merchant API: errors it must retry, answers outside the
// contract, another buyer's order in an answer, hostile order ids, a wrong token, an API that is
// gone — and what the buyer hears then.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { HttpOrders } from '../../adapters/commerce/http/http-orders.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { CommerceUnavailableError } from '../../dialogs/commerce/commerce-unavailable.ts';
import { Engine } from '../../dialogs/engine/engine.ts';
import type { Session } from '../../dialogs/engine/session.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';
import type { Orders } from '../../dialogs/commerce/orders.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { startMerchantOrdersApi, type MerchantOrdersApi } from '../support/merchant-orders-api.ts';

const start = Date.UTC(2026, 0, 1, 2, 0, 0);
const clock = { now: () => start };
const alice = { channel: 'webchat', buyerId: 'alice' };
const noWait = async () => {};
let api: MerchantOrdersApi;

beforeAll(async () => {
  api = await startMerchantOrdersApi({ clock, token: 't0ken' });
});
afterAll(async () => {
  await api.close();
});

const client = (overrides: Partial<ConstructorParameters<typeof HttpOrders>[0]> = {}) =>
  new HttpOrders({ baseUrl: api.url, token: 't0ken', timeoutMs: 2000, logger: silentLogger, sleep: noWait, ...overrides });

describe('HttpOrders against an unlucky merchant API', () => {
  it('retries 500 and 429 (with Retry-After) and then answers', async () => {
    api.failNext(500, 1);
    expect((await client().listOrders(alice)).length).toBe(6);
    api.failNext(429, 2, '1');
    expect((await client().listOrders(alice)).length).toBe(6);
  });

  it('gives up as CommerceUnavailableError when the errors outlast the retries', async () => {
    api.failNext(503, 5);
    await expect(client({ retries: 2 }).listOrders(alice)).rejects.toBeInstanceOf(CommerceUnavailableError);
    api.failNext(0, 0);
  });

  it('refuses answers outside the contract', async () => {
    api.answerRawOnce('{"orders": "lots"}');
    await expect(client().listOrders(alice)).rejects.toThrow(/contract mismatch/);
    api.answerRawOnce('not json at all');
    await expect(client().getOrder(alice, 'KF1')).rejects.toBeInstanceOf(CommerceUnavailableError);
    api.answerRawOnce('{"outcome": "maybe"}');
    await expect(client().cancelOrder(alice, 'KF1', { idempotencyKey: 'k', actor: 'a', at: start })).rejects.toThrow(/contract mismatch/);
  });

  it('proves nothing when the API answers a proof with another order, or a phone the digits do not fit', async () => {
    const paid = (await client().listOrders(alice)).find((o) => o.status === 'paid')!;
    const digits = paid.address.phone.slice(-4);
    const other = (await client().listOrders(alice)).find((o) => o.id !== paid.id)!;
    api.answerRawOnce(JSON.stringify(other));
    expect(await client().proveOrder(paid.id, digits)).toBeNull();
    expect(digits).not.toBe('1111');
    api.answerRawOnce(JSON.stringify({ ...paid, address: { ...paid.address, phone: '+8613800001111' } }));
    expect(await client().proveOrder(paid.id, digits)).toBeNull();
    expect(api.requests.at(-1)).toBe(`POST /orders/${paid.id}/proof`);
    expect(await client().proveOrder(paid.id, digits)).toEqual(paid);
  });

  it('drops another buyer\'s order even when the API sends it', async () => {
    const bobOrder = (await client().listOrders({ channel: 'webchat', buyerId: 'bob' }))[0]!;
    api.leakOrder = bobOrder;
    try {
      const list = await client().listOrders(alice);
      expect(list.map((o) => o.id)).not.toContain(bobOrder.id);
      expect(list).toHaveLength(6);
    } finally {
      api.leakOrder = null;
    }
  });

  it('keeps hostile order ids inside their path segment', async () => {
    api.requests.length = 0;
    for (const id of ['../../buyers/webchat/bob/orders', 'KF1?x=1', 'KF1#frag', '%2e%2e', '订单']) {
      expect(await client().getOrder(alice, id)).toBeNull();
    }
    expect(api.requests).toHaveLength(5);
    expect(api.requests.every((r) => r.startsWith('GET /buyers/webchat/alice/orders/') && !r.includes('/bob/'))).toBe(true);
  });

  it('sends the token; a wrong one is an error, not an empty order list', async () => {
    await expect(client({ token: 'wrong' }).listOrders(alice)).rejects.toBeInstanceOf(CommerceUnavailableError);
  });

  it('fails fast as unavailable when nothing listens', async () => {
    const gone = new HttpOrders({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 500, retries: 1, logger: silentLogger, sleep: noWait });
    await expect(gone.listOrders(alice)).rejects.toBeInstanceOf(CommerceUnavailableError);
  });
});

describe('the buyer, when the order API is down', () => {
  async function ask(orders: Orders, texts: string[]): Promise<string[]> {
    const loaded = await loadFlows(path.resolve(import.meta.dirname, '../../flows'), { actions: builtInActions });
    if (!loaded.ok) throw new Error('flows invalid');
    const engine = new Engine({
      flows: () => loaded.flowSet,
      catalog: await DemoCatalog.load(),
      shopName: { 'zh-Hans': '店', 'zh-Hant': '店', en: 'Shop' },
      maxTextLength: 2000,
      lastTurns: 10,
      logger: silentLogger,
      orders,
    });
    let session: Session | null = null;
    const said: string[] = [];
    for (const [i, text] of texts.entries()) {
      const outcome = await engine.handle(session, {
        id: `m${i}`,
        conversation: { channel: 'webchat', conversationId: 'c-down', buyerId: 'alice' },
        text,
        receivedAt: start + i,
      });
      session = JSON.parse(JSON.stringify(outcome.session)) as Session;
      said.push(outcome.replies.map((r) => r.text).join('\n'));
    }
    return said;
  }

  it('hears a graceful reply in their language, and nothing is lost', async () => {
    const gone = new HttpOrders({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 300, retries: 0, logger: silentLogger });
    const [zh] = await ask(gone, ['我的快递到哪了']);
    expect(zh).toContain('订单系统暂时连不上');
    const [hant] = await ask(gone, ['我要取消訂單']);
    expect(hant).toContain('訂單系統暫時連不上');
    const [en] = await ask(gone, ['where is my parcel']);
    expect(en).toContain("our order system isn't answering right now");
  });

  it('works end to end through the merchant API when it is up', async () => {
    const said = await ask(client(), ['我要改地址', (await client().listOrders(alice)).find((o) => o.status === 'paid')!.id, '上海市浦东新区世纪大道100号 李四 13912345678', '是']);
    expect(said[3]).toContain('已修改✅');
    const paid = (await client().listOrders(alice)).find((o) => o.status === 'paid')!;
    expect(paid.address).toMatchObject({ province: '上海市', district: '浦东新区', street: '世纪大道100号', recipient: '李四', phone: '+8613912345678' });
    expect(api.orders.auditTrail(alice, paid.id)).toHaveLength(1);
  });
});
