// The sentiment scorer on buyers' own words, in both Chinese scripts and English: strong anger is
// well below the hand-off threshold, negation turns words round, neutral shop talk scores zero.

import { describe, expect, it } from 'vitest';
import { DEFAULT_SENTIMENT_HANDOFF, scoreSentiment, sentimentLabel } from '../../dialogs/insight/sentiment.ts';

describe('sentiment', () => {
  it('scores fury below the default hand-off threshold in zh-Hans, zh-Hant and English alike', () => {
    for (const text of ['质量太差了,非常失望', '品質太差了，非常失望', 'this is terrible, worst shop ever, liars']) {
      expect(scoreSentiment(text), text).toBeLessThanOrEqual(DEFAULT_SENTIMENT_HANDOFF);
    }
    expect(scoreSentiment('质量太差了,非常失望')).toBe(scoreSentiment('品質太差了，非常失望'));
  });

  it('turns negated words round, more gently', () => {
    expect(scoreSentiment('满意')).toBeGreaterThan(0);
    expect(scoreSentiment('不满意')).toBeLessThan(0);
    expect(scoreSentiment('不差')).toBeGreaterThan(0);
    expect(scoreSentiment('不差')).toBeLessThan(Math.abs(scoreSentiment('差')));
    expect(scoreSentiment('not good')).toBeLessThan(0);
  });

  it('reads words, not characters that happen to be in them', () => {
    for (const text of ['你好', '好的', '什么时候发货', '快递到哪了', '差不多', '身高170体重60穿什么码', 'when do you ship']) {
      expect(scoreSentiment(text), text).toBe(0);
    }
    expect(scoreSentiment('不错')).toBeGreaterThan(0); // 不错 is praise, not 不 + 错
  });

  it('intensifiers strengthen, softeners weaken, punctuation ends a negation', () => {
    expect(scoreSentiment('非常失望')).toBeLessThan(scoreSentiment('失望'));
    expect(scoreSentiment('有点失望')).toBeGreaterThan(scoreSentiment('失望'));
    expect(scoreSentiment('不,好')).toBeGreaterThan(0);
  });

  it('adds both parts of a mixed message, and survives hostile input', () => {
    expect(scoreSentiment('太差了 terrible')).toBeLessThan(scoreSentiment('太差了'));
    expect(scoreSentiment('')).toBe(0);
    expect(Number.isFinite(scoreSentiment('不'.repeat(5000) + '好'))).toBe(true);
    expect(Number.isFinite(scoreSentiment('\u0000\uFFFF🙂<script>'))).toBe(true);
  });

  it('labels scores for counters', () => {
    expect([-3, 0, 3].map(sentimentLabel)).toEqual(['negative', 'neutral', 'positive']);
  });
});
