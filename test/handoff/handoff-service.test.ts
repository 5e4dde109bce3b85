// The hand-off core on its own (memory stores, the in-memory desk, a clock and timers the test
// moves by hand): the wait notice, business hours, queues, notes, resuming a flow, and agent
// events that come too late, twice, or for a thread nobody knows.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InMemoryAgentQueue } from '../../adapters/agent-desk/in-memory-agent-queue.ts';
import { InProcessScheduler } from '../../adapters/schedulers/in-process/in-process-scheduler.ts';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { MemoryConversationLine } from '../../adapters/stores/memory/memory-conversation-line.ts';
import { MemoryDeliveryLedger } from '../../adapters/stores/memory/memory-delivery-ledger.ts';
import { MemoryTurnLedger } from '../../adapters/stores/memory/memory-turn-ledger.ts';
import { SteppedTurnStore } from '../../adapters/stores/stepped-turn-store.ts';
import { MemorySessionStore } from '../../adapters/stores/memory/memory-session-store.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { ConversationService } from '../../dialogs/conversations.ts';
import { Engine } from '../../dialogs/engine/engine.ts';
import { loadFlows, type FlowSet } from '../../dialogs/flows/load-flows.ts';
import type { AgentEvent } from '../../dialogs/handoff/agent-events.ts';
import { describeHours, isOpen } from '../../dialogs/handoff/business-hours.ts';
import { handoffNotice } from '../../dialogs/handoff/handoff-notice.ts';
import { buyerLabel } from '../../dialogs/handoff/handoff-record.ts';
import { routeHandoff } from '../../dialogs/handoff/handoff-routing.ts';
import { HandoffService } from '../../dialogs/handoff/handoff-service.ts';
import type { BusinessHours, HandoffSettings } from '../../dialogs/handoff/handoff-settings.ts';
import type { ConversationRef, InboundMessage, Reply } from '../../dialogs/messages.ts';
import { silentLogger, type HandoffRequest, type OutboundChannel } from '../../dialogs/ports.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let flows: FlowSet;
let catalog: DemoCatalog;

beforeAll(async () => {
  const loaded = await loadFlows(path.join(ROOT, 'flows'), { actions: builtInActions });
  if (!loaded.ok) throw new Error('demo flows invalid');
  flows = loaded.flowSet;
  catalog = await DemoCatalog.load();
});

// Tuesday 2026-12-01 10:00 in Shanghai.
const TUESDAY_10AM_SHANGHAI = Date.UTC(2026, 11, 1, 2, 0);
const WEEKDAYS_9_TO_18: BusinessHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], opens: '09:00', closes: '18:00' };

const ROUTING: HandoffSettings['routing'] = {
  byReason: { complaint: 'complaints', logistics_exception: 'logistics' },
  byFlow: { return_refund: 'aftersale', track_order: 'logistics' },
  withOrder: 'aftersale',
  default: 'presale',
};

function setup(overrides: Partial<HandoffSettings> = {}) {
  let now = TUESDAY_10AM_SHANGHAI;
  const clock = { now: () => now };
  const scheduler = new InProcessScheduler({ clock, logger: silentLogger, timers: false });
  const settings: HandoffSettings = {
    noteMarker: '//',
    unclaimedNoticeSeconds: 180,
    expectedWaitMinutes: 10,
    keepSeconds: 86400,
    businessHours: null,
    timezone: 'Asia/Shanghai',
    routing: ROUTING,
    resumeFlows: ['size_advice'],
    ...overrides,
  };
  const sessions = new MemorySessionStore();
  const line = new MemoryConversationLine();
  const ledger = new MemoryDeliveryLedger();
  const queue = new InMemoryAgentQueue();
  // The desk as a team chat is: it can go down (every call throws while `deskDown` is set).
  let deskDown = false;
  const unreachable = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'));
  const desk = Object.assign(queue, {
    openThread: ((open) => (card: Parameters<typeof open>[0]) => (deskDown ? unreachable() : open(card)))(queue.openThread.bind(queue)),
    postBuyerMessage: ((post) => (...a: Parameters<typeof post>) => (deskDown ? unreachable() : post(...a)))(queue.postBuyerMessage.bind(queue)),
    postStatus: ((post) => (...a: Parameters<typeof post>) => (deskDown ? unreachable() : post(...a)))(queue.postStatus.bind(queue)),
  }) as InMemoryAgentQueue;
  const sent: { conversation: ConversationRef; replies: Reply[]; deliveryId?: string }[] = [];
  const outbound: OutboundChannel = { channel: 'test', send: async (conversation, replies, deliveryId) => void sent.push({ conversation, replies, ...(deliveryId ? { deliveryId } : {}) }) };
  const engine = new Engine({
    flows: () => flows,
    catalog,
    shopName: { 'zh-Hans': '演示店', 'zh-Hant': '演示店', en: 'Demo' },
    maxTextLength: 2000,
    lastTurns: 10,
    logger: silentLogger,
    handoffNotice: handoffNotice(settings),
  });
  const handoffs = new HandoffService({
    desk,
    voice: { render: (...a) => engine.renderResponse(...a), takeBack: (...a) => engine.takeBack(...a) },
    sessions,
    line,
    ledger,
    outbound: new Map([['test', outbound]]),
    settings,
    clock,
    logger: silentLogger,
    scheduler,
    sessionTtlSeconds: 3600,
    lastTurns: 10,
    dedupeSeconds: 3600,
    claimSeconds: 30,
  });
  void scheduler.start((job) => handoffs.runJob(job));
  const conversations = new ConversationService({
    engine, sessions, line, turns: new SteppedTurnStore({ ledger: new MemoryTurnLedger({ sessions }), line, sessions }), agentDesk: handoffs, events: { record() {} }, logger: silentLogger,
    outbound: new Map([['test', outbound]]), sessionTtlSeconds: 3600, lastTurns: 10, dedupeSeconds: 3600, claimSeconds: 30,
  });
  let sequence = 0;
  const conversation: ConversationRef = { channel: 'test', conversationId: 'c1', buyerId: 'buyer-8613800138000' };
  return {
    desk, handoffs, sent, scheduler,
    setDeskDown(down: boolean) { deskDown = down; },
    advance(ms: number) { now += ms; },
    /** Runs the scheduler's due jobs (the wait notice, posts to a desk that was down). */
    runTimers() { return scheduler.runDue(); },
    async say(text: string, extra: Partial<InboundMessage> = {}) {
      const result = await conversations.receive({ id: `m${++sequence}`, conversation, text, receivedAt: now, ...extra });
      return result.replies.map((r) => r.text);
    },
    thread() {
      const handoff = desk.waiting().at(-1)!;
      return handoff.thread!;
    },
    agent(kind: AgentEvent['kind'], extra: Record<string, unknown> = {}, eventId = `e${++sequence}`) {
      return handoffs.handleAgentEvent({ kind, eventId, thread: desk.waiting().at(-1)!.thread!, agent: { id: 'U1', name: 'Alice' }, at: now, ...extra } as AgentEvent);
    },
    sentTexts() { return sent.flatMap((s) => s.replies.map((r) => r.text)); },
  };
}

async function settled(): Promise<void> {
  // The wait notice runs on the conversation line after its timer fires.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('the wait notice', () => {
  it('tells an unclaimed buyer the expected wait once, and the thread hears of it', async () => {
    const kefu = setup();
    await kefu.say('转人工');
    expect(kefu.scheduler.size()).toBe(1);
    kefu.advance(179_000);
    await kefu.runTimers(); // too early: nothing yet
    await settled();
    expect(kefu.sentTexts()).toEqual([]);
    kefu.advance(2_000);
    await kefu.runTimers(); // the job on the scheduler port: any process runs it, once
    await kefu.runTimers();
    expect(kefu.sentTexts()).toEqual([expect.stringMatching(/约 10 分钟/)]);
    expect(kefu.desk.waiting().at(-1)!.statusLines!.map((l) => l.change)).toEqual(['wait_notice_sent']);
  });

  it('is not sent once claimed', async () => {
    const kefu = setup();
    await kefu.say('转人工');
    expect(await kefu.agent('claim')).toEqual({ status: 'claimed' });
    kefu.advance(600_000);
    await kefu.runTimers();
    await settled();
    expect(kefu.sentTexts()).toEqual([expect.stringMatching(/人工客服已接入/)]);
  });
});

describe('business hours', () => {
  it('outside the hours, the buyer is told them and the message waits in the thread', async () => {
    const kefu = setup({ businessHours: WEEKDAYS_9_TO_18 });
    kefu.advance(10 * 3600_000); // 20:00 in Shanghai
    const replies = await kefu.say('human please');
    expect(replies).toEqual([expect.stringMatching(/Mon–Fri 09:00–18:00/)]);
    expect(kefu.desk.waiting().at(-1)!.card!.afterHours).toBe(true);
    expect(kefu.scheduler.size()).toBe(0); // no "expected wait" at night
    await kefu.say('my parcel is broken');
    expect(kefu.desk.waiting().at(-1)!.buyerMessages.map((m) => m.text)).toEqual(['my parcel is broken']);
  });

  it('inside the hours, the usual answer', async () => {
    const kefu = setup({ businessHours: WEEKDAYS_9_TO_18 });
    expect(await kefu.say('转人工')).toEqual([expect.stringMatching(/正在为您转接/)]);
  });

  it('reads the clock in the shop\'s time zone', () => {
    // 2026-12-05 is a Saturday; 01:30 UTC Monday is 09:30 Monday in Shanghai but Sunday evening in New York.
    const mondayMorningShanghai = Date.UTC(2026, 11, 7, 1, 30);
    expect(isOpen(WEEKDAYS_9_TO_18, mondayMorningShanghai, 'Asia/Shanghai')).toBe(true);
    expect(isOpen(WEEKDAYS_9_TO_18, mondayMorningShanghai, 'America/New_York')).toBe(false);
    expect(isOpen(WEEKDAYS_9_TO_18, Date.UTC(2026, 11, 7, 10, 0), 'Asia/Shanghai')).toBe(false); // 18:00 is closed
    expect(isOpen(null, 0, 'Asia/Shanghai')).toBe(true);
  });

  it('says the hours in every language, with the day names of the flows\' vocabulary', () => {
    const words = flows.vocabulary.business_hours!;
    expect(describeHours(WEEKDAYS_9_TO_18, 'zh-Hans', words)).toBe('周一至周五 09:00–18:00');
    expect(describeHours(WEEKDAYS_9_TO_18, 'zh-Hant', words)).toBe('週一至週五 09:00–18:00');
    expect(describeHours({ days: ['mon', 'wed', 'sat', 'sun'], opens: '10:00', closes: '16:00' }, 'en', words)).toBe('Mon, Wed, Sat, Sun 10:00–16:00');
    expect(describeHours({ ...WEEKDAYS_9_TO_18, days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }, 'en', words)).toBe('Every day 09:00–18:00');
  });
});

describe('agent events', () => {
  it('keeps notes internal, refuses replies before a claim and after the end', async () => {
    const kefu = setup();
    await kefu.say('转人工');
    expect(await kefu.agent('message', { text: 'hello' })).toMatchObject({ status: 'not_claimed', notice: expect.stringContaining('//') });
    expect(await kefu.agent('message', { text: '  // check the order first' })).toEqual({ status: 'note' });
    await kefu.agent('claim');
    expect(await kefu.agent('message', { text: '您好' })).toEqual({ status: 'sent' });
    expect(await kefu.agent('claim', { agent: { id: 'U2' } })).toMatchObject({ status: 'already_claimed', by: { id: 'U1' } });
    expect(await kefu.agent('close')).toEqual({ status: 'closed' });
    expect(await kefu.agent('message', { text: 'still there?' })).toMatchObject({ status: 'ended' });
    expect(kefu.sentTexts()).toEqual([expect.stringMatching(/已接入/), '您好', expect.stringMatching(/人工服务已结束/)]);
    // The bot answers again.
    expect((await kefu.say('我穿多大码')).join('')).toMatch(/身高/);
  });

  it('handles one event id once', async () => {
    const kefu = setup();
    await kefu.say('转人工');
    await kefu.agent('claim');
    expect(await kefu.agent('message', { text: '您好' }, 'same')).toEqual({ status: 'sent' });
    expect(await kefu.agent('message', { text: '您好' }, 'same')).toEqual({ status: 'duplicate' });
    expect(kefu.sentTexts().filter((t) => t === '您好')).toHaveLength(1);
  });

  it('names every send to the buyer after its desk event, so a channel that records sends never repeats one when the event is retried', async () => {
    const kefu = setup();
    await kefu.say('转人工');
    await kefu.agent('claim', {}, 'ev-claim');
    await kefu.agent('message', { text: '您好' }, 'ev-reply');
    await kefu.agent('close', {}, 'ev-close');
    expect(kefu.sent.map((each) => [each.replies[0]?.text, each.deliveryId])).toEqual([
      [expect.stringMatching(/已接入/), 'desk:memory:ev-claim'],
      ['您好', 'desk:memory:ev-reply'],
      [expect.stringMatching(/人工服务已结束/), 'desk:memory:ev-close'],
    ]);
  });

  it('does not know a thread it never opened', async () => {
    const kefu = setup();
    const result = await kefu.handoffs.handleAgentEvent({ kind: 'claim', eventId: 'x', thread: { desk: 'memory', threadId: 'nope' }, agent: { id: 'U1' }, at: 0 });
    expect(result).toMatchObject({ status: 'unknown_thread' });
  });

  it('a new hand-off of the same conversation makes the old thread stale', async () => {
    const kefu = setup();
    await kefu.say('转人工');
    const oldThread = kefu.thread();
    await kefu.say('/back_to_bot', { text: '', payload: '/back_to_bot' });
    expect(kefu.desk.waiting().at(-1)!.card!.status).toBe('back_to_bot');
    await kefu.say('转人工');
    const result = await kefu.handoffs.handleAgentEvent({ kind: 'claim', eventId: 'old', thread: oldThread, agent: { id: 'U1' }, at: 0 });
    expect(result).toMatchObject({ status: 'ended' });
  });

  it('back to bot may resume a named flow', async () => {
    const kefu = setup();
    await kefu.say('转人工');
    await kefu.agent('claim');
    expect(await kefu.agent('back_to_bot', { resumeFlow: 'size_advice' })).toEqual({ status: 'back_to_bot' });
    expect(kefu.sentTexts().at(-1)).toMatch(/身高/);
    expect((await kefu.say('170')).join('')).toMatch(/体重/);
  });

  it('a resumed flow that hands over again opens a new thread; the old one is over', async () => {
    const kefu = setup({ resumeFlows: ['complaint'] });
    await kefu.say('转人工');
    const first = kefu.thread();
    await kefu.agent('claim');
    expect(await kefu.agent('back_to_bot', { resumeFlow: 'complaint' })).toEqual({ status: 'back_to_bot' });
    const second = kefu.desk.waiting().at(-1)!;
    expect(second.thread).not.toEqual(first);
    expect(second.card).toMatchObject({ reason: 'complaint', queue: 'complaints', status: 'waiting' });
    expect(await kefu.say('还在吗')).toEqual([]);
    expect(second.buyerMessages.map((m) => m.text)).toEqual(['还在吗']);
    const stale = await kefu.handoffs.handleAgentEvent({ kind: 'message', eventId: 'old', thread: first, agent: { id: 'U1' }, at: 0, text: 'hello?' });
    expect(stale).toMatchObject({ status: 'ended' });
  });

  it('starts only the flows the shop lets agents pick', async () => {
    const kefu = setup();
    await kefu.say('转人工');
    expect(await kefu.agent('back_to_bot', { resumeFlow: 'complaint' })).toEqual({ status: 'back_to_bot' });
    expect(kefu.sentTexts().at(-1)).toMatch(/小蜜继续为您服务/);
    expect(kefu.desk.waiting().at(-1)!.buyerMessages).toEqual([]);
  });
});

describe('queues and the card', () => {
  const request = (extra: Partial<HandoffRequest>): HandoffRequest => ({
    conversation: { channel: 'c', conversationId: 'x', buyerId: 'b' }, language: 'en', reason: 'asked_for_human', lastTurns: [], at: 0, ...extra,
  });

  it('routes by reason, then flow, then order, else the default', () => {
    expect(routeHandoff(request({ reason: 'complaint', flow: 'return_refund' }), ROUTING)).toBe('complaints');
    expect(routeHandoff(request({ reason: 'flow', flow: 'track_order', orderId: '1' }), ROUTING)).toBe('logistics');
    expect(routeHandoff(request({ orderId: '123' }), ROUTING)).toBe('aftersale');
    expect(routeHandoff(request({}), ROUTING)).toBe('presale');
  });

  it('a complaint goes to complaints with its reason', async () => {
    const kefu = setup();
    const replies = await kefu.say('我要投诉,你们的服务太差了');
    expect(replies.join('')).toMatch(/非常抱歉/);
    expect(kefu.desk.waiting().at(-1)!.card).toMatchObject({ reason: 'complaint', queue: 'complaints', reasonLabel: 'Complaint' });
  });

  it('masks the buyer id when there is no name', () => {
    expect(buyerLabel(undefined, 'buyer-8613800138000')).toBe('buy…000');
    expect(buyerLabel(undefined, '13800138000')).toBe('138…000');
    expect(buyerLabel(undefined, 'abc')).toBe('…');
    expect(buyerLabel('  Li Lei ', 'x')).toBe('Li Lei');
  });
});

describe('a desk that cannot be reached', () => {
  it('never strands the buyer: the hand-off waits in the store and reaches the desk, in order, when it is back', async () => {
    const kefu = setup();
    kefu.setDeskDown(true);
    expect(await kefu.say('转人工')).toEqual([expect.stringMatching(/正在为您转接/)]);
    expect(await kefu.say('我的快递破了')).toEqual([]);
    expect(kefu.desk.waiting()).toHaveLength(0);
    expect(kefu.handoffs.health.degraded()).toMatchObject({ part: 'agentDesk.memory', reason: expect.stringMatching(/ECONNREFUSED/) });

    await kefu.runTimers(); // still down: the job tries, fails, and schedules the next try
    expect(kefu.desk.waiting()).toHaveLength(0);
    kefu.setDeskDown(false);
    kefu.advance(1_000);
    await kefu.runTimers();
    expect(kefu.desk.waiting()).toHaveLength(1);
    expect(kefu.desk.waiting()[0]!.buyerMessages.map((m) => m.text)).toEqual(['我的快递破了']);
    expect(kefu.handoffs.health.degraded()).toBeNull();
    // The thread works as any other: claim, reply.
    expect(await kefu.agent('claim')).toEqual({ status: 'claimed' });
    expect(await kefu.agent('message', { text: '您好,我来处理' })).toEqual({ status: 'sent' });
    expect(kefu.sentTexts()).toEqual([expect.stringMatching(/人工客服已接入/), '您好,我来处理']);
  });

  it('going down mid-hand-off: buyer lines and status lines wait, then arrive once and in order', async () => {
    const kefu = setup();
    await kefu.say('转人工');
    expect(await kefu.agent('claim')).toEqual({ status: 'claimed' });
    kefu.setDeskDown(true);
    expect(await kefu.say('第一句')).toEqual([]);
    expect(await kefu.say('第二句')).toEqual([]);
    await kefu.runTimers();
    kefu.setDeskDown(false);
    expect(await kefu.say('第三句')).toEqual([]); // behind the backlog, not before it
    kefu.advance(60_000);
    await kefu.runTimers();
    await kefu.runTimers();
    expect(kefu.desk.waiting()[0]!.buyerMessages.map((m) => m.text)).toEqual(['第一句', '第二句', '第三句']);
    expect(await kefu.agent('close')).toEqual({ status: 'closed' });
    expect(kefu.desk.waiting()[0]!.statusLines!.map((l) => l.change)).toEqual(['claimed', 'closed']);
  });
});
