// The desk's buyer card shows who the agent is talking to: a signed buyer's latest orders (newest
// first, from the orders backend) and how their last messages read; a guest's card shows no orders,
// whatever order ids they typed. On a running Kefu (loopback HTTP, memory stores, the demo orders).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { startServer, type RunningServer } from '../../server.ts';
import { identityEnv, signedBuyer } from '../support/buyer-tokens.ts';

let server: RunningServer;

async function say(conversationId: string, text: string, identityToken?: string): Promise<void> {
  const response = await fetch(`${server.url}/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId, text, ...(identityToken ? { identityToken } : {}) }) });
  expect(response.status).toBe(200);
}

async function cardOf(conversationId: string) {
  const handoff = server.kefu.agentQueue.waiting().find((each) => each.request.conversation.conversationId === conversationId)!;
  return (await server.kefu.desk.view.card(handoff.thread!.threadId, Date.now()))!;
}

beforeAll(async () => {
  const { config } = loadConfig({ env: { ...identityEnv, PORT: '0', HOST: '127.0.0.1', KEFU__FLOWS__WATCH: 'false' } });
  server = await startServer(config, silentLogger);
});

afterAll(async () => {
  await server?.close();
});

describe("the desk's buyer card", () => {
  it("shows a signed buyer's latest orders and an unhappy mood", async () => {
    const token = await signedBuyer('card-buyer-1');
    await say('card-1', '你们这什么破服务 等了一个星期还没到 太差劲了', token);
    await say('card-1', '气死我了 转人工', token);
    const card = await cardOf('card-1');
    const orders = await server.kefu.orders.listOrders({ channel: 'webchat', buyerId: 'card-buyer-1' });
    expect(card.orders.length).toBe(Math.min(5, orders.length));
    expect(card.orders.map((order) => order.createdAt)).toEqual([...card.orders.map((order) => order.createdAt)].sort((a, b) => b - a));
    expect(Object.keys(card.orders[0]!).sort()).toEqual(['createdAt', 'currency', 'id', 'status', 'total']);
    expect(card.sentiment?.label).toBe('negative');
  });

  it('shows a guest no orders, and a calm mood as calm', async () => {
    await say('card-2', '你好 我想问下KF20251120990001这个订单');
    await say('card-2', '麻烦帮我转个人工 谢谢');
    const card = await cardOf('card-2');
    expect(card.orders).toEqual([]);
    expect(card.sentiment?.label).not.toBe('negative');
  });

  it("offers the answers to today's most-asked questions, most asked first, in the buyer's language", async () => {
    // Asked more than hello (which the other cards' buyers said too).
    for (const [i, text] of ['讲个笑话呗', '来个笑话', '说个段子听听', 'tell me a joke', '讲个笑话'].entries()) await say(`faq-joke-${i}`, text);
    await say('faq-3', '哈喽');
    await server.kefu.insight.recorder.flush();
    await say('faq-4', 'can I talk to a real person');
    const { thread } = server.kefu.agentQueue.waiting().find((each) => each.request.conversation.conversationId === 'faq-4')!;
    await server.kefu.handoffs.handleAgentEvent({ kind: 'claim', eventId: 'faq-claim', thread: thread!, agent: { id: 'lina' }, at: Date.now() });
    const card = await cardOf('faq-4');
    const joke = server.kefu.flows().responses.get('joke')!;
    expect(card.faqs.map((faq) => faq.name)).toEqual(['joke', 'greet']);
    expect(joke.map((variation) => variation.text.en)).toContain(card.faqs[0]!.text);
    // The greeting names the shop (rendered, in English like the buyer).
    expect(card.faqs[1]!.text).toContain('Kefu Demo Shop');
    expect(card.faqs[1]!.text).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
