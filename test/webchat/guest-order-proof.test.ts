// Guests prove an order over the real web chat: with the merchant's order API behind Kefu, a guest
// who gives an order's number and phone digits reaches that order through the API's proof call, the
// guest's conversation id never reaches the API as a buyer id, and wrong tries are counted per order
// across conversations, so a guesser gets a person rather than the order.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPhoneLastFour } from '../../dialogs/commerce/order-proof.ts';
import type { RunningServer } from '../../server.ts';
import { startMerchantOrdersApi, type MerchantOrdersApi } from '../support/merchant-orders-api.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

describe('readPhoneLastFour', () => {
  it.each([
    ['5678', null, '5678'],
    ['尾号5678', null, '5678'],
    ['手机号 138 1234 5678', null, '5678'],
    ['13812345678', null, '5678'],
    ['+86-138-1234-5678', null, '5678'],
    ['ＫＦ２０２５１１２０９９０００１　９０００', 'KF20251120990001', '9000'],
    ['KF20251120990001 9000', 'KF20251120990001', '9000'],
    ['订单kf20251120990001手机后4位9000', 'KF20251120990001', '9000'],
    ['KF20251120990001', 'KF20251120990001', null],
    ['我不记得了', null, null],
    ['123', null, null],
  ])('%s → %s', (text, orderId, expected) => {
    expect(readPhoneLastFour(text, orderId)).toBe(expected);
  });
});

describe('a guest on the web chat, with the merchant\'s order API', () => {
  let api: MerchantOrdersApi;
  let kefu: RunningServer;
  beforeAll(async () => {
    api = await startMerchantOrdersApi({ token: 'proof-token' });
    kefu = await startTestKefu({
      env: { KEFU__ORDERS__BACKEND: 'http', KEFU__ORDERS__HTTP__BASEURL: api.url, KEFU__ORDERS__HTTP__TOKEN: 'proof-token', KEFU__ORDERS__HTTP__EVENTSPOLLSECONDS: '0' },
    });
  });
  afterAll(async () => {
    await kefu?.close();
    await api?.close();
  });

  const say = async (conversationId: string, text: string): Promise<string> => {
    const answer = await postMessage(kefu.url, { conversationId, messageId: randomUUID(), text });
    expect(answer.status).toBe(200);
    return (answer.body.replies as { text: string }[]).map((r) => r.text).join('\n');
  };

  it('reaches the proven order through the API, and the API never sees the guest\'s conversation id', async () => {
    const order = (await api.orders.listOrders({ channel: 'webchat', buyerId: 'proof-owner-1' })).find((o) => o.status === 'paid')!;
    const conversationId = `guest-${randomUUID()}`;
    expect(await say(conversationId, '我的快递到哪了')).toContain('订单号和收件手机号的后四位');
    expect(await say(conversationId, `${order.id} ${order.address.phone.slice(-4)}`)).toContain(`订单 ${order.id}`);
    expect(api.requests).toContain(`POST /orders/${order.id}/proof`);
    // The next question reaches the proven order as its owner's, through the buyer paths.
    expect(await say(conversationId, '取消订单')).toContain(order.id);
    expect(api.requests).toContain(`GET /buyers/webchat/proof-owner-1/orders/${order.id}`);
    expect(api.requests.filter((r) => r.includes(conversationId))).toEqual([]);
  });

  it('locks an order after too many wrong tries across conversations: even the right digits then get a person', async () => {
    const order = (await api.orders.listOrders({ channel: 'webchat', buyerId: 'proof-owner-2' })).find((o) => o.status === 'paid')!;
    const right = order.address.phone.slice(-4);
    const wrong = right === '0000' ? '1111' : '0000';
    // Five guessers, one wrong try each (each conversation alone stays under its own limit of 3):
    // the fifth wrong try at the order is its last, and that guesser gets a person.
    for (let i = 1; i <= 5; i++) {
      const guesser = `guesser-${randomUUID()}`;
      await say(guesser, '查物流');
      expect(await say(guesser, `${order.id} ${wrong}`)).toContain(i < 5 ? '对不上' : '订单信息没能核对上');
    }
    const proofCalls = api.requests.filter((r) => r === `POST /orders/${order.id}/proof`).length;
    const late = `guest-${randomUUID()}`;
    await say(late, '查物流');
    const answer = await say(late, `${order.id} ${right}`);
    expect(answer).toContain('订单信息没能核对上');
    expect(answer).not.toContain(order.id);
    // Locked before asking the API: the right digits were never checked.
    expect(api.requests.filter((r) => r === `POST /orders/${order.id}/proof`).length).toBe(proofCalls);
  });
});
