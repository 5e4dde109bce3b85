// After-sale turns through the core's front door: an address change whose turn fails after the
// change was applied is retried by the platform and applied once; hand-offs carry the order and
// the logistics reason; order choices come as buttons.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InMemoryAgentQueue } from '../../adapters/agent-desk/in-memory-agent-queue.ts';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { DemoOrders } from '../../adapters/commerce/demo/demo-orders.ts';
import { MemoryConversationLine } from '../../adapters/stores/memory/memory-conversation-line.ts';
import { MemoryTurnLedger } from '../../adapters/stores/memory/memory-turn-ledger.ts';
import { SteppedTurnStore } from '../../adapters/stores/stepped-turn-store.ts';
import { MemorySessionStore } from '../../adapters/stores/memory/memory-session-store.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { ConversationService } from '../../dialogs/conversations.ts';
import { Engine } from '../../dialogs/engine/engine.ts';
import { loadFlows, type FlowSet } from '../../dialogs/flows/load-flows.ts';
import type { HandoffRequest } from '../../dialogs/ports.ts';
import { silentLogger } from '../../dialogs/ports.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const buyer = { channel: 'test', buyerId: 'b-turns' };
let flows: FlowSet;

beforeAll(async () => {
  const loaded = await loadFlows(path.join(ROOT, 'flows'), { actions: builtInActions });
  if (!loaded.ok) throw new Error('demo flows invalid');
  flows = loaded.flowSet;
});

/** A session store whose next save fails (Redis blinking after the change went out). */
class FlakySessionStore extends MemorySessionStore {
  failNextSave = false;
  override async save(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    if (this.failNextSave) {
      this.failNextSave = false;
      throw new Error('store unavailable');
    }
    return super.save(key, value, ttlSeconds);
  }
}

async function setup() {
  const now = Date.now();
  const orders = await DemoOrders.load({ clock: { now: () => now } });
  const sessions = new FlakySessionStore();
  const line = new MemoryConversationLine();
  const desk = new InMemoryAgentQueue();
  const handoffs: HandoffRequest[] = [];
  const engine = new Engine({
    flows: () => flows,
    catalog: await DemoCatalog.load(),
    shopName: { 'zh-Hans': '店', 'zh-Hant': '店', en: 'Shop' },
    maxTextLength: 2000,
    lastTurns: 10,
    logger: silentLogger,
    orders,
  });
  const conversations = new ConversationService({
    engine,
    sessions,
    line,
    turns: new SteppedTurnStore({ ledger: new MemoryTurnLedger({ sessions }), line, sessions }),
    agentDesk: {
      openHandoff: async (request) => {
        handoffs.push(request);
        await desk.openHandoff(request);
      },
      relayBuyerMessage: (c, t, a) => desk.relayBuyerMessage(c, t, a),
    },
    events: { record() {} },
    logger: silentLogger,
    sessionTtlSeconds: 3600,
    lastTurns: 10,
    dedupeSeconds: 3600,
    claimSeconds: 30,
  });
  let n = 0;
  const send = (text: string, id = `m${++n}`, payload?: string) =>
    conversations.receive({ id, conversation: { ...buyer, conversationId: 'c-turns' }, text, ...(payload ? { payload } : {}), receivedAt: now + n });
  return { orders, sessions, send, handoffs };
}

describe('after-sale turns', () => {
  it('applies a confirmed address change once when the turn is retried after a failure', async () => {
    const { orders, sessions, send } = await setup();
    const paid = (await orders.listOrders(buyer)).find((o) => o.status === 'paid')!;
    await send(`改地址 ${paid.id}`);
    const shown = await send('上海市浦东新区世纪大道100号 李四 13912345678');
    expect(shown.replies[0]!.text).toContain('确认把订单');
    sessions.failNextSave = true;
    await expect(send('是', 'confirm-1')).rejects.toThrow('store unavailable');
    // The platform redelivers the same message; the session was not saved, so the flow runs again.
    const retried = await send('是', 'confirm-1');
    expect(retried.replies[0]!.text).toContain('已修改✅');
    expect((await orders.getOrder(buyer, paid.id))!.address.street).toBe('世纪大道100号');
    const trail = orders.auditTrail(buyer, paid.id);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ action: 'change_address', actor: 'kefu-bot for test:c-turns' });
    // A second tap on the old confirmation changes nothing more.
    const again = await send('是');
    expect(again.replies.map((r) => r.text).join()).not.toContain('已修改');
    expect(orders.auditTrail(buyer, paid.id)).toHaveLength(1);
  });

  it('shows a moving parcel\'s latest event once, then the ones before it', async () => {
    const { orders, send } = await setup();
    const moving = (await orders.listOrders(buyer)).filter((o) => o.status === 'shipped')[0]!;
    const events = (await orders.trackingEvents(buyer, moving.id))!;
    expect(events.length).toBeGreaterThan(1);
    const { replies } = await send(`查一下${moving.id}的物流`);
    const text = replies.map((r) => r.text).join('\n');
    expect(text).toContain('正在路上');
    const latest = events.at(-1)!.location!;
    expect(text.split(latest).length - 1).toBe(1);
    expect(text).toContain(events.at(-2)!.location!);
  });

  it('hands a stalled parcel to the logistics queue with its order and reason', async () => {
    const { orders, send, handoffs } = await setup();
    const stalled = (await orders.listOrders(buyer)).filter((o) => o.status === 'shipped')[1]!;
    await send(`查一下${stalled.id}的物流`);
    expect(handoffs).toHaveLength(1);
    expect(handoffs[0]).toMatchObject({ reason: 'logistics_exception', orderId: stalled.id, flow: 'track_order' });
    expect(handoffs[0]!.detail).toContain(`parcel stalled: order ${stalled.id}`);
  });

  it('offers one button per fitting order, each carrying its order number', async () => {
    const { orders, send } = await setup();
    const { replies } = await send('我要改地址');
    const fitting = (await orders.listOrders(buyer)).filter((o) => ['unpaid', 'paid', 'shipped'].includes(o.status));
    expect(replies[0]!.buttons!.map((b) => b.payload)).toEqual(fitting.map((o) => o.id));
  });
});
