// What agents see in the group: the card carries what they need, and nothing a buyer typed can
// restyle it or slip a link into it; hand-off codes stay short, unique and tied to their group.

import { describe, expect, it } from 'vitest';
import { cardMessage, plain, statusMessage } from '../../../adapters/agent-desk/dingtalk/card-markdown.ts';
import { HandoffCodes } from '../../../adapters/agent-desk/dingtalk/handoff-codes.ts';
import { MemorySessionStore } from '../../../adapters/stores/memory/memory-session-store.ts';
import type { HandoffCard } from '../../../dialogs/handoff/handoff-desk.ts';

const card: HandoffCard = {
  handoffId: 'h1', queue: 'aftersale', conversation: { channel: 'webchat', conversationId: 'c1', buyerId: 'buyer-123456' },
  buyerLabel: 'bu…456', channel: 'webchat', language: 'zh-Hans', reason: 'logistics_exception', reasonLabel: 'Logistics exception',
  detail: 'parcel stuck for 5 days', orderId: '2026113012345', flow: 'track_order', openedAt: Date.UTC(2026, 11, 1, 2, 0),
  afterHours: false, status: 'waiting',
  lastTurns: [
    { from: 'buyer', text: '我的快递怎么还没到', at: Date.UTC(2026, 11, 1, 1, 58) },
    { from: 'bot', text: '您的包裹在杭州中转站', at: Date.UTC(2026, 11, 1, 1, 58) },
    { from: 'buyer', text: '[click here](https://evil.example) **urgent** <b>x</b> `code` # heading | pipe', at: Date.UTC(2026, 11, 1, 1, 59) },
  ],
};

describe('DingTalk hand-off card', () => {
  it('shows who, why, which order, the last messages and how to act, with the code', () => {
    const message = cardMessage(card, { code: 'A7', noteMarker: '//', timezone: 'Asia/Shanghai' });
    expect(message.kind).toBe('markdown');
    expect(message.title).toBe('Hand-off #A7: Logistics exception');
    for (const part of ['#A7', 'bu…456', 'webchat', 'zh-Hans', 'Logistics exception', 'parcel stuck for 5 days', 'order 2026113012345', 'flow track\uFF3Forder', '09:58 buyer: 我的快递怎么还没到', '#A7 claim', '#A7 // text', '#A7 close']) {
      expect(message.text).toContain(part);
    }
  });

  it('adds Claim / Back to bot / Close buttons when Kefu has a public address', () => {
    const message = cardMessage(card, { code: 'A7', noteMarker: '//', timezone: 'Asia/Shanghai', buttons: { claim: 'https://k/1', back: 'https://k/2', close: 'https://k/3' } });
    expect(message.kind === 'actionCard' && message.buttons.map((b) => b.url)).toEqual(['https://k/1', 'https://k/2', 'https://k/3']);
  });

  it('speaks Traditional Chinese to a team that reads it (agentDesk.language: zh-Hant), buyer words untouched', () => {
    const look = { code: 'A7', noteMarker: '//', timezone: 'Asia/Shanghai', resumeFlows: ['size_advice'], language: 'zh-Hant' as const, buttons: { claim: 'https://k/1', back: 'https://k/2', close: 'https://k/3' } };
    const message = cardMessage({ ...card, afterHours: true }, look);
    expect(message.title).toBe('轉人工 #A7：物流異常');
    for (const part of ['### 轉人工 #A7 · 等待客服認領', '**買家:** bu…456', '**原因:** 物流異常 — parcel stuck for 5 days', '**相關:** 訂單 2026113012345 · 流程 track\uFF3Forder', '**非工作時間:** 已告訴買家工作時間。', '**最近的訊息**', '09:58 買家: 我的快递怎么还没到', '09:58 機器人: 您的包裹在杭州中转站', '認領：`#A7 認領`', '關閉：`#A7 關閉`', '`#A7 轉回機器人 <流程>`，可選：size\uFF3Fadvice']) {
      expect(message.text).toContain(part);
    }
    expect(message.kind === 'actionCard' && message.buttons.map((b) => b.title)).toEqual(['認領', '轉回機器人', '關閉']);
    const claimed = { ...card, status: 'claimed' as const, claimedBy: { id: 'staff-wang', name: '王芳' } };
    expect(statusMessage('A7', { change: 'claimed', card: claimed, by: { id: 'staff-wang', name: '王芳' }, at: 0, text: 'Claimed by 王芳.' }, 'zh-Hant'))
      .toEqual({ kind: 'markdown', title: '#A7 已認領', text: '**#A7** · 已認領 — 王芳 已認領。此後的回覆會發給買家。' });
    expect(statusMessage('A7', { change: 'claimed', card: claimed, by: { id: 'dingtalk-card-button', name: 'an agent (card button)' }, at: 0, text: '' }, 'zh-Hant').text)
      .toBe('**#A7** · 已認領 — 一位客服（卡片按鈕） 已認領。此後的回覆會發給買家。');
  });

  it('shows buyer text as text: no links, emphasis, headings or tables, one line, bounded', () => {
    const text = cardMessage(card, { code: 'A7', noteMarker: '//', timezone: 'Asia/Shanghai' }).text;
    expect(text).not.toContain('](https://evil.example)');
    expect(text).not.toContain('**urgent**');
    expect(text).not.toContain('<b>');
    expect(text).toContain('［click here］(https://evil.example)');
    expect(plain('a\n\n# b')).toBe('a ＃ b');
    expect(plain('x'.repeat(500)).length).toBe(301);
  });
});

describe('hand-off codes', () => {
  it('gives each hand-off one short code, finds it again, and never gives a taken code to another', async () => {
    const store = new MemorySessionStore();
    // A random source that keeps picking the same code first: the second hand-off must get another.
    const picks = [0, 0, 0, 0, 0.5, 0.5];
    const codes = new HandoffCodes(store, 'dt:', 3600, () => picks.shift() ?? 0.9);
    const first = await codes.codeFor('handoff-1', 'cidA==');
    expect(first).toMatch(/^[A-Z]\d{1,3}$/);
    expect(await codes.codeFor('handoff-1', 'cidA==')).toBe(first);
    const second = await codes.codeFor('handoff-2', 'cidB==');
    expect(second).not.toBe(first);
    expect(await codes.lookup(first)).toEqual({ handoff: 'handoff-1', openConversationId: 'cidA==' });
    expect(await codes.lookup(second)).toEqual({ handoff: 'handoff-2', openConversationId: 'cidB==' });
    expect(await codes.codeForExisting('handoff-2')).toBe(second);
    expect(await codes.lookup('Q42')).toBeNull();
  });
});
