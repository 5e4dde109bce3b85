// Clustering what the bot did not understand, on a fixed set: similar questions meet (in both
// Chinese scripts and in English), unrelated ones stay apart, and the result does not depend on
// the order messages arrived in.

import { describe, expect, it } from 'vitest';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { loadFlows, type FlowSet } from '../../dialogs/flows/load-flows.ts';
import { clusterMessages } from '../../dialogs/insight/clustering.ts';
import { normalisePhrase } from '../../dialogs/insight/phrases.ts';
import type { MisunderstoodMessage } from '../../dialogs/insight/insight-store.ts';

const FIXED = [
  '火星有分店吗', '火星上有没有分店', '火星上有分店嗎?', '你们在火星有店吗',
  'can I pay with bitcoin', 'do you accept bitcoin', 'Bitcoin payment OK?',
  '可以用比特币付款吗', '比特币支付可以吗',
  '能开增值税专用发票吗', 'what is the meaning of life', '会员积分怎么兑换', '积分怎么用',
  '火星有分店吗', '火星有分店吗!!',
];

const messages = (texts: string[]): MisunderstoodMessage[] => texts.map((text, i) => ({ text, at: 1_000 + i, language: /[a-z]/i.test(text) ? 'en' : 'zh-Hans' }));

describe('clustering', () => {
  const clusters = clusterMessages(messages(FIXED), { threshold: 0.35 });

  it('groups the fixed set as a trainer would', () => {
    expect(clusters.map((c) => c.examples)).toEqual([
      ['火星有分店吗', '你们在火星有店吗', '火星上有分店吗', '火星上有没有分店'],
      ['bitcoin payment ok', 'can i pay with bitcoin', 'do you accept bitcoin'],
      ['会员积分怎么兑换', '积分怎么用'],
      ['可以用比特币付款吗', '比特币支付可以吗'],
      ['what is the meaning of life'],
      ['能开增值税专用发票吗'],
    ]);
    expect(clusters[0]).toMatchObject({ size: 6, lastAt: 1_014 });
  });

  it('is deterministic: the same clusters and ids whatever the arrival order', () => {
    const reversed = clusterMessages(messages([...FIXED].reverse()).map((m, i) => ({ ...m, at: 1_000 + i })), { threshold: 0.35 });
    expect(reversed.map((c) => [c.id, c.examples])).toEqual(clusters.map((c) => [c.id, c.examples]));
    expect(new Set(clusters.map((c) => c.id)).size).toBe(clusters.length);
  });

  it('a higher threshold splits, a threshold of 1 keeps only identical messages together', () => {
    expect(clusterMessages(messages(FIXED), { threshold: 0.6 }).length).toBeGreaterThan(clusters.length);
    expect(clusterMessages(messages(FIXED), { threshold: 1 }).length).toBe(new Set(FIXED.map(normalisePhrase)).size);
  });

  it('ignores messages with no words and copes with none at all', () => {
    expect(clusterMessages(messages(['???', '123', '   ']), { threshold: 0.35 })).toEqual([]);
    expect(clusterMessages([], { threshold: 0.35 })).toEqual([]);
  });
});

describe('phrases', () => {
  it('makes variants of one question meet, in both scripts, without personal numbers', () => {
    expect(normalisePhrase('什麼時候發貨呀？')).toBe('什么时候发货');
    expect(normalisePhrase('什么时候 发货')).toBe('什么时候发货');
    expect(normalisePhrase('When do you SHIP, please')).toBe('when do you ship');
    expect(normalisePhrase('我的订单 1234567890123 到哪了')).toBe('我的订单 # 到哪了');
    expect(normalisePhrase('电话 138-1234-5678 或者 138 1234 5678')).toBe('电话 # 或者 #');
    expect(normalisePhrase('mail me at jane.doe@example.com!')).toBe('mail me at @');
    expect(normalisePhrase('尺码 170 60')).toBe('尺码 170 60'); // short numbers stay: they carry the question
    for (const text of ['什麼時候發貨呀？', 'When do you SHIP, please', '电话 138-1234-5678', 'a@b.c ok']) {
      expect(normalisePhrase(normalisePhrase(text)!)).toBe(normalisePhrase(text));
    }
    expect(normalisePhrase('🙂🙂')).toBeNull();
    expect([...normalisePhrase('长'.repeat(500))!].length).toBe(40);
  });
});

describe('clustering against typical buyer wording', async () => {
  // The flows' own training examples say which words are everywhere in buyers' messages (你们, 有, 吗)
  // and which are a topic (实体店): the words a few misunderstood messages share no longer count least.
  const { flowSet } = await loadDemoFlows();
  const background = flowSet.trainingTexts;

  it('groups Chinese paraphrases of one question that share only the topic word', () => {
    const paraphrases = ['你们有实体店吗', '实体店在哪里', '有没有实体店可以去试穿'];
    expect(clusterMessages(messages(paraphrases), { threshold: 0.35 }).length).toBe(3);
    const grouped = clusterMessages(messages([...paraphrases, '可以寄到国外吗', '发国外吗', '你们是厂家吗', '能开专票吗公司报销']), { threshold: 0.35, background });
    expect(grouped.map((c) => [...c.examples].sort())).toEqual([
      [...paraphrases].sort(),
      ['发国外吗', '可以寄到国外吗'],
      ['你们是厂家吗'],
      ['能开专票吗公司报销'],
    ]);
  });

  it('keeps unrelated questions apart on the fixed set', () => {
    const grouped = clusterMessages(messages(FIXED), { threshold: 0.35, background });
    for (const cluster of grouped) {
      const topics = new Set(cluster.examples.map((e) => (/火星/.test(e) ? 'mars' : /bitcoin|比特币/.test(e) ? 'bitcoin' : /积分/.test(e) ? 'points' : e)));
      expect(topics.size, cluster.examples.join(' | ')).toBe(1);
    }
  });
});

async function loadDemoFlows(): Promise<{ flowSet: FlowSet }> {
  const result = await loadFlows(new URL('../../flows', import.meta.url).pathname, { actions: builtInActions });
  if (!result.ok) throw new Error('the demo flows do not load');
  return { flowSet: result.flowSet };
}
