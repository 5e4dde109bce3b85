// The Block Kit card within Slack's limits, whatever the buyer wrote: hostile markup is escaped,
// long transcripts keep their newest turns, and the buttons follow the hand-off's status.

import { describe, expect, it } from 'vitest';
import { buyerLine, cardBlocks, cardFallback, refusalLine, statusLine } from '../../adapters/agent-desk/slack/slack-card.ts';
import { slackTextToPlain } from '../../adapters/agent-desk/slack/slack-listeners.ts';
import type { HandoffCard } from '../../dialogs/handoff/handoff-desk.ts';

const card = (extra: Partial<HandoffCard> = {}): HandoffCard => ({
  handoffId: 'h1',
  queue: 'presale',
  conversation: { channel: 'webchat', conversationId: 'c1', buyerId: 'b1' },
  buyerLabel: '<!channel> *boss*',
  channel: 'webchat',
  language: 'zh-Hant',
  reason: 'asked_for_human',
  reasonLabel: 'Asked for a person',
  lastTurns: [{ from: 'buyer', text: 'hi <@U0CEO> <https://evil.example|click>', at: 0 }],
  openedAt: Date.UTC(2026, 11, 1),
  afterHours: false,
  status: 'waiting',
  ...extra,
});

const texts = (blocks: object[]): string => JSON.stringify(blocks);
const buttons = (blocks: object[]): string[] =>
  (blocks.find((b) => (b as { type: string }).type === 'actions') as { elements: { action_id: string }[] } | undefined)?.elements.map((e) => e.action_id) ?? [];

describe('the Slack card', () => {
  it('escapes what the buyer wrote, so no mention or link reaches the team', () => {
    const json = texts(cardBlocks(card()));
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U0CEO>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).toContain('&lt;!channel&gt;');
    expect(buyerLine({ text: '<!here> & <#C1>', at: 0, buyerLabel: 'x' })).toBe('*x:* &lt;!here&gt; &amp; &lt;#C1&gt;');
  });

  it('keeps the newest turns of a long transcript within a section\'s 3000 characters', () => {
    const lastTurns = Array.from({ length: 10 }, (_, i) => ({ from: 'buyer' as const, text: `${i}:${'长'.repeat(900)}`, at: i }));
    const blocks = cardBlocks(card({ lastTurns, detail: 'x'.repeat(5000) }));
    for (const block of blocks as { text?: { text: string }; fields?: { text: string }[] }[]) {
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
    }
    expect(texts(blocks)).toContain('9:');
    expect(texts(blocks)).not.toContain('0:长');
  });

  it('shows the buttons the status allows', () => {
    expect(buttons(cardBlocks(card()))).toEqual(['kefu_claim', 'kefu_back_to_bot', 'kefu_close']);
    expect(buttons(cardBlocks(card({ status: 'claimed', claimedBy: { id: 'U1' } }), ['size_advice']))).toEqual(['kefu_back_to_bot', 'kefu_resume', 'kefu_close']);
    expect(buttons(cardBlocks(card({ status: 'closed', endedBy: { id: 'U1' } })))).toEqual([]);
    expect(texts(cardBlocks(card({ afterHours: true })))).toContain('outside business hours');
  });

  it('names the agent with a mention, and the note marker in the claim line', () => {
    const line = statusLine({ change: 'claimed', card: card(), by: { id: 'U0ALICE' }, at: 0, text: '' }, '//');
    expect(line).toContain('<@U0ALICE>');
    expect(line).toContain('`//`');
  });
});

describe('the Slack card for a team reading Traditional Chinese (agentDesk.language: zh-Hant)', () => {
  it('writes labels, status, buttons, thread lines and refusals in Traditional Chinese, and leaves what the buyer wrote as it was', () => {
    const waiting = texts(cardBlocks(card({ buyerTags: [{ name: 'vip', label: { 'zh-Hans': '老客户', 'zh-Hant': '老客戶', en: 'Returning buyer' } }] }), ['size_advice'], 'zh-Hant'));
    for (const text of ['轉人工：買家要求人工', '*買家*', '*語言*\\n繁體中文', '*買家標籤*\\n老客戶', '*最近的訊息*', '*買家:*', '等待客服認領', '"認領"', '"轉回機器人"', '轉回機器人，並開始…', '"關閉"', '關閉這個轉人工會話？']) {
      expect(waiting).toContain(text);
    }
    expect(waiting).toContain('hi &lt;@U0CEO&gt;');
    expect(waiting).not.toMatch(/Buyer|Claim|Waiting|Hand-off/);
    expect(cardFallback(card(), 'zh-Hant')).toBe('轉人工：買家要求人工 — <!channel> *boss*（webchat）');
    expect(texts(cardBlocks(card({ status: 'claimed', claimedBy: { id: 'U0ALICE' } }), [], 'zh-Hant'))).toContain('<@U0ALICE> 已認領');
    expect(statusLine({ change: 'transferred', card: card({ queue: 'aftersale' }), by: { id: 'U0ALICE', name: 'alice' }, at: 0, text: '' }, '//', 'zh-Hant'))
      .toBe('alice 已把會話轉到 aftersale 隊列，等待那裡的客服認領。');
    expect(statusLine({ change: 'wait_notice_sent', card: card(), at: 0, text: '', details: { waitMinutes: 10 } }, '//', 'zh-Hant'))
      .toBe('還沒有人認領；已告訴買家大約要等 10 分鐘，並可以留言。');
    expect(refusalLine({ status: 'already_claimed', by: { id: 'U0BOB', name: '王芳' }, notice: 'x' }, '//', 'zh-Hant')).toBe('王芳 已經認領了這個會話。');
    expect(refusalLine({ status: 'claimed' }, '//', 'zh-Hant')).toBeNull();
  });
});

describe('an agent\'s Slack markup, as the buyer reads it', () => {
  it('turns links into text and drops mentions', () => {
    expect(slackTextToPlain('see <https://a.example/x|the tracking page> or <https://b.example>')).toBe('see the tracking page (https://a.example/x) or https://b.example');
    expect(slackTextToPlain('<@U0BOB> 1 &lt; 2 &amp;&amp; 3 &gt; 2')).toBe('1 < 2 && 3 > 2');
    expect(slackTextToPlain('<!here>')).toBe('');
  });
});
