// The agents' figures on /admin: from agents' real work on hand-offs (claim, first reply, close, back
// to the bot) on a running Kefu, per agent over 24 hours, the longest wait in the queue now, and the
// measured handling rate that replaces the configured capacity in "agent-equivalents" once there is
// enough to measure. Behind the admin token only.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryInsightStore } from '../../adapters/insight/memory-insight-store.ts';
import { loadConfig } from '../../config/load-config.ts';
import type { AgentEvent } from '../../dialogs/handoff/agent-events.ts';
import { agentWorkCounts, computeAgentFigures, MIN_HANDLED_TO_MEASURE } from '../../dialogs/insight/agent-figures.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { startServer, type RunningServer } from '../../server.ts';

const ADMIN = 'agent-figures-admin-token-0123456789abc';
const MINUTE = 60_000;
let server: RunningServer;
let sequence = 0;

const admin = async (path: string, token = ADMIN) => fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

/** A buyer asks for a person `ago` ms before now; returns the hand-off's thread on the built-in desk. */
async function handOff(conversationId: string, ago: number) {
  const conversation = { channel: 'webchat', conversationId, buyerId: conversationId, guest: true as const };
  await server.kefu.conversations.receive({ id: `m${++sequence}`, conversation, text: '找个真人跟我说', receivedAt: Date.now() - ago });
  const handoff = server.kefu.agentQueue.waiting().find((each) => each.request.conversation.conversationId === conversationId)!;
  return { thread: handoff.thread!, openedAt: handoff.request.at };
}

async function agent(kind: AgentEvent['kind'], thread: AgentEvent['thread'], id: string, at: number, extra: Record<string, unknown> = {}) {
  return server.kefu.handoffs.handleAgentEvent({ kind, eventId: `e${++sequence}`, thread, agent: { id, name: id }, at, ...extra } as AgentEvent);
}

beforeAll(async () => {
  const { config } = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', KEFU__FLOWS__WATCH: 'false', KEFU__ADMIN__TOKEN: ADMIN } });
  server = await startServer(config, silentLogger);
});

afterAll(async () => {
  await server?.close();
});

describe("the agents' figures", () => {
  it('counts first-reply waits and handling times per agent, and the longest wait now', async () => {
    const first = await handOff('agents-1', 10 * MINUTE);
    expect((await agent('claim', first.thread, 'lina', first.openedAt + MINUTE)).status).toBe('claimed');
    expect((await agent('message', first.thread, 'lina', first.openedAt + 2 * MINUTE, { text: '您好 我来帮您看看' })).status).toBe('sent');
    expect((await agent('message', first.thread, 'lina', first.openedAt + 3 * MINUTE, { text: '已经处理好了' })).status).toBe('sent');
    expect((await agent('close', first.thread, 'lina', first.openedAt + 5 * MINUTE)).status).toBe('closed');
    const second = await handOff('agents-2', 8 * MINUTE);
    await agent('claim', second.thread, 'wu', second.openedAt + 30_000);
    await agent('message', second.thread, 'wu', second.openedAt + 60_000, { text: 'hi, how can I help' });
    await agent('back_to_bot', second.thread, 'wu', second.openedAt + 2 * MINUTE);
    await handOff('agents-waiting', 3 * MINUTE); // nobody has claimed it yet
    await server.kefu.insight.recorder.flush();
    const figures = (await (await admin('/admin/api/agents')).json()) as {
      agents: { id: string; name: string; handled: number; firstReplySeconds: number | null; handledSeconds: number | null }[];
      longestWaitSeconds: number;
      measuredDailyRate: number | null;
    };
    expect(figures.agents).toEqual([
      { id: 'lina', name: 'lina', handled: 1, firstReplySeconds: 120, handledSeconds: 300 },
      { id: 'wu', name: 'wu', handled: 1, firstReplySeconds: 60, handledSeconds: 120 },
    ]);
    expect(figures.longestWaitSeconds).toBeGreaterThanOrEqual(180);
    expect(figures.measuredDailyRate).toBeNull();
  });

  it('uses the measured handling rate for agent-equivalents once enough hand-offs were handled', async () => {
    for (let i = 0; i < MIN_HANDLED_TO_MEASURE; i++) {
      const { thread, openedAt } = await handOff(`agents-many-${i}`, 20 * MINUTE);
      await agent('claim', thread, 'lina', openedAt + MINUTE);
      await agent('close', thread, 'lina', openedAt + 2 * MINUTE);
    }
    await server.kefu.insight.recorder.flush();
    const figures = (await (await admin('/admin/api/agents')).json()) as { handled: number; measuredDailyRate: number };
    expect(figures.handled).toBe(MIN_HANDLED_TO_MEASURE + 2);
    expect(figures.measuredDailyRate).toBe((MIN_HANDLED_TO_MEASURE + 2) / 2);
    const overview = (await (await admin('/admin/api/overview')).json()) as { results: { agentDailyCapacity: number; agentRateMeasured: boolean } };
    expect(overview.results).toMatchObject({ agentDailyCapacity: (MIN_HANDLED_TO_MEASURE + 2) / 2, agentRateMeasured: true });
  });

  it('is behind the admin token', async () => {
    expect((await admin('/admin/api/agents', 'wrong-token-0123456789abcdef')).status).toBe(401);
    expect((await fetch(`${server.url}/admin/api/agents`)).status).toBe(401);
  });
});

describe('agent figures from the counters', () => {
  it('keeps agent ids of any shape apart and skips fields it did not write', async () => {
    const now = Date.now();
    const store = new MemoryInsightStore();
    const odd = { id: 'dingtalk:staff%7C42 王', name: '王' };
    await store.add(now, 'counts', agentWorkCounts({ kind: 'handled', agent: odd, at: now, tookMs: 90_000 }));
    await store.add(now, 'counts', agentWorkCounts({ kind: 'first_reply', agent: odd, at: now, waitedMs: 15_000 }));
    await store.add(now, 'counts', { 'agent_handled:%E0%A4%A': 3, 'agent_handled:U1': 2, 'agent_handled_ms:U1': 100_000 });
    const figures = await computeAgentFigures(store, now);
    expect(figures.agents).toEqual([
      { id: 'U1', handled: 2, firstReplySeconds: null, handledSeconds: 50 },
      { id: 'dingtalk:staff%7C42 王', handled: 1, firstReplySeconds: 15, handledSeconds: 90 },
    ]);
  });
});
