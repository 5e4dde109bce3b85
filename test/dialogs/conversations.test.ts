// The core's front door under unlucky conditions: a stored session that is garbage, an agent
// desk that fails, a store that fails, a delivery retried while the first is still running.
// Whatever happens, the message is either handled once or reported as failed so it is retried.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InMemoryAgentQueue } from '../../adapters/agent-desk/in-memory-agent-queue.ts';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { MemoryConversationLine } from '../../adapters/stores/memory/memory-conversation-line.ts';
import { MemoryTurnLedger } from '../../adapters/stores/memory/memory-turn-ledger.ts';
import { SteppedTurnStore } from '../../adapters/stores/stepped-turn-store.ts';
import { MemorySessionStore } from '../../adapters/stores/memory/memory-session-store.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { ConversationService, DeliveryInProgressError } from '../../dialogs/conversations.ts';
import { Engine } from '../../dialogs/engine/engine.ts';
import { loadFlows, type FlowSet } from '../../dialogs/flows/load-flows.ts';
import type { InboundMessage } from '../../dialogs/messages.ts';
import { silentLogger, type AgentDesk, type SessionStore } from '../../dialogs/ports.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let flows: FlowSet;
let catalog: DemoCatalog;

beforeAll(async () => {
  const loaded = await loadFlows(path.join(ROOT, 'flows'), { actions: builtInActions });
  if (!loaded.ok) throw new Error('demo flows invalid');
  flows = loaded.flowSet;
  catalog = await DemoCatalog.load();
});

function service(overrides: { sessions?: SessionStore; agentDesk?: AgentDesk } = {}) {
  const sessions = overrides.sessions ?? new MemorySessionStore();
  const line = new MemoryConversationLine();
  const agentDesk = overrides.agentDesk ?? new InMemoryAgentQueue();
  const engine = new Engine({
    flows: () => flows,
    catalog,
    shopName: { 'zh-Hans': '演示店', 'zh-Hant': '演示店', en: 'Demo' },
    maxTextLength: 2000,
    lastTurns: 10,
    logger: silentLogger,
  });
  const conversations = new ConversationService({
    engine,
    sessions,
    line,
    turns: new SteppedTurnStore({ ledger: new MemoryTurnLedger({ sessions }), line, sessions }),
    agentDesk,
    events: { record() {} },
    logger: silentLogger,
    sessionTtlSeconds: 3600,
    lastTurns: 10,
    dedupeSeconds: 3600,
    claimSeconds: 30,
  });
  return { conversations, sessions, agentDesk };
}

let sequence = 0;
function message(text: string, id = `m${++sequence}`): InboundMessage {
  return { id, conversation: { channel: 'test', conversationId: 'c1', buyerId: 'b1' }, text, receivedAt: Date.now() };
}

describe('ConversationService', () => {
  it('replaces a stored session it cannot read instead of failing every message', async () => {
    const { conversations, sessions } = service();
    await sessions.save('test:c1', { version: 99, garbage: true }, 60);
    const { replies } = await conversations.receive(message('身高170体重60穿什么码'));
    expect(replies[0]?.text).toBe('根据尺寸,您适合M号哦');
  });

  it('answers a redelivered message from the ledger without running it again', async () => {
    const { conversations, sessions } = service();
    await conversations.receive(message('帮我推荐一下尺码', 'same-0'));
    const first = await conversations.receive(message('170', 'same-1'));
    const again = await conversations.receive(message('170', 'same-1'));
    expect(again).toEqual({ replies: first.replies, duplicate: true });
    const stored = await sessions.load<{ turnCount: number }>('test:c1');
    expect(stored?.turnCount).toBe(2);
  });

  it('tells a platform to retry when the same message is still being handled', async () => {
    let release!: () => void;
    const slowDesk: AgentDesk = {
      openHandoff: () => new Promise<void>((resolve) => (release = resolve)),
      relayBuyerMessage: async () => {},
    };
    const { conversations } = service({ agentDesk: slowDesk });
    const first = conversations.receive(message('转人工', 'slow-1'));
    await new Promise((r) => setTimeout(r, 20));
    await expect(conversations.receive(message('转人工', 'slow-1'))).rejects.toBeInstanceOf(DeliveryInProgressError);
    release();
    expect((await first).replies[0]?.text).toContain('转接人工客服');
  });

  it('reports a failed hand-off as a failed message, saves nothing, and handles the retry', async () => {
    let failures = 1;
    const queue = new InMemoryAgentQueue();
    const flakyDesk: AgentDesk = {
      openHandoff: async (request) => {
        if (failures-- > 0) throw new Error('desk is down');
        await queue.openHandoff(request);
      },
      relayBuyerMessage: async () => {},
    };
    const { conversations, sessions } = service({ agentDesk: flakyDesk });
    await expect(conversations.receive(message('转人工', 'retry-1'))).rejects.toThrow('desk is down');
    expect(await sessions.load('test:c1')).toBeNull();
    const retried = await conversations.receive(message('转人工', 'retry-1'));
    expect(retried.duplicate).toBe(false);
    expect(queue.waiting()).toHaveLength(1);
    expect(queue.waiting()[0]?.request.reason).toBe('asked_for_human');
  });

  it('reports a session store failure as a failed message, and the retry succeeds', async () => {
    const memory = new MemorySessionStore();
    let broken = true;
    const flaky: SessionStore = {
      load: (key) => (broken ? Promise.reject(new Error('store unavailable')) : memory.load(key)),
      save: (key, value, ttl) => memory.save(key, value, ttl),
      delete: (key) => memory.delete(key),
    };
    const { conversations } = service({ sessions: flaky });
    await expect(conversations.receive(message('你好', 'store-1'))).rejects.toThrow('store unavailable');
    broken = false;
    const { replies } = await conversations.receive(message('你好', 'store-1'));
    expect(replies[0]?.text).toContain('您好');
  });

  it('relays buyer messages to the agent while a person has the conversation, and keeps quiet', async () => {
    const { conversations, agentDesk } = service();
    await conversations.receive(message('转人工'));
    const { replies } = await conversations.receive(message('我的快递到哪了'));
    expect(replies).toEqual([]);
    const queue = agentDesk as InMemoryAgentQueue;
    expect(queue.waiting()[0]?.buyerMessages.map((m) => m.text)).toEqual(['我的快递到哪了']);
    expect(queue.waiting()[0]?.request.lastTurns.map((t) => t.from)).toEqual(['buyer']);
  });
});
