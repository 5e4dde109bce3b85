// One commit per turn, on Redis, with two server processes (two ConversationServices on one Redis).
// Process A takes a buyer's message and stalls mid-turn (its hand-off call hangs, as a process paused
// by the machine or about to be killed would); its claim lapses; the buyer's retry reaches process B,
// which handles it and answers. When A wakes up it must write nothing — neither its session nor its
// answer — and tell its caller to retry, whose retry gets B's answer. The session holds one turn.
// (Each process has its own conversation line here: the line's own lease is tested in its contract;
// this is the case where A's line lease has lapsed too.)

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryAgentQueue } from '../../adapters/agent-desk/in-memory-agent-queue.ts';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { RedisConversationLine } from '../../adapters/stores/redis/redis-conversation-line.ts';
import { RedisSessionStore } from '../../adapters/stores/redis/redis-session-store.ts';
import { RedisTurnStore } from '../../adapters/stores/redis/redis-turn-store.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { ConversationService, DeliveryInProgressError } from '../../dialogs/conversations.ts';
import { Engine } from '../../dialogs/engine/engine.ts';
import type { Session } from '../../dialogs/engine/session.ts';
import { loadFlows, type FlowSet } from '../../dialogs/flows/load-flows.ts';
import type { InboundMessage } from '../../dialogs/messages.ts';
import { silentLogger, type AgentDesk } from '../../dialogs/ports.ts';
import { connectSharedRedis, type SharedRedis } from '../support/redis-fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let flows: FlowSet;
let catalog: DemoCatalog;
let redis: SharedRedis;

beforeAll(async () => {
  const loaded = await loadFlows(path.join(ROOT, 'flows'), { actions: builtInActions });
  if (!loaded.ok) throw new Error('demo flows invalid');
  flows = loaded.flowSet;
  catalog = await DemoCatalog.load();
  redis = await connectSharedRedis('fencing');
});

afterAll(() => redis?.close());

function serverProcess(agentDesk: AgentDesk): ConversationService {
  const { client, prefix } = redis;
  // The line's lease lapses with the claim, so the retry is not held up behind the stalled turn.
  const line = new RedisConversationLine({ client, prefix, leaseMs: 1000 });
  const engine = new Engine({ flows: () => flows, catalog, shopName: { 'zh-Hans': '店', 'zh-Hant': '店', en: 'Shop' }, maxTextLength: 2000, lastTurns: 10, logger: silentLogger });
  return new ConversationService({
    engine,
    sessions: new RedisSessionStore({ client, prefix }),
    line,
    turns: new RedisTurnStore({ client, line }),
    agentDesk,
    events: { record() {} },
    logger: silentLogger,
    sessionTtlSeconds: 3600,
    lastTurns: 10,
    dedupeSeconds: 3600,
    claimSeconds: 1,
  });
}

describe('a turn whose claim lapses while it runs', () => {
  it('commits nothing from the late process; the retry gets the other process\'s answer; one turn is stored', { timeout: 20_000 }, async () => {
    let wake!: () => void;
    const stalled = new Promise<void>((resolve) => (wake = resolve));
    const stalling = new InMemoryAgentQueue();
    const a = serverProcess({ ...stalling, openHandoff: async () => stalled, relayBuyerMessage: async () => {} });
    const b = serverProcess(new InMemoryAgentQueue());
    const message: InboundMessage = { id: 'msg-1', conversation: { channel: 'test', conversationId: 'fencing-1', buyerId: 'b1' }, text: '转人工', receivedAt: Date.now() };

    const first = a.receive(message);
    // The claim lapses (1 s); the platform's retry reaches process B.
    await new Promise((r) => setTimeout(r, 2_100));
    const second = await b.receive(message);
    expect(second.duplicate).toBe(false);
    expect(second.replies.length).toBeGreaterThan(0);

    wake();
    await expect(first).rejects.toThrow(DeliveryInProgressError);
    // A's retry, anywhere, is answered with B's stored answer.
    expect(await a.receive(message)).toEqual({ replies: second.replies, duplicate: true });
    const stored = await new RedisSessionStore({ client: redis.client, prefix: redis.prefix }).load<Session>('test:fencing-1');
    expect(stored?.turnCount).toBe(1);
  });
});
