// How a buyer feels, from what they wrote: a lexicon score on the AFINN scale, negative is unhappy.
// English goes through the `sentiment` package (AFINN-165 with its own negation handling);
// Chinese through Kefu's lexicon (chinese-sentiment-lexicon.ts) with negators and intensifiers.
// Both parts of a mixed message add up. Lexicons are crude but explainable and fast, which is what
// a live dashboard and a "hand this buyer to a person" rule need; a merchant can read why.

import Sentiment from 'sentiment';
import { toSimplified } from '../language/chinese-script.ts';
import { CHINESE_INTENSIFIERS, CHINESE_NEGATORS, CHINESE_SENTIMENT_WORDS } from './chinese-sentiment-lexicon.ts';

/** The default of insight.sentiment.handoffAtOrBelow: strongly unhappy ("太差了,非常失望" scores about -10). */
export const DEFAULT_SENTIMENT_HANDOFF = -6;

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

const english = new Sentiment();
const HAN_RUN = /\p{Script=Han}+/gu;
const LONGEST_ENTRY = Math.max(
  ...[...Object.keys(CHINESE_SENTIMENT_WORDS), ...CHINESE_NEGATORS, ...Object.keys(CHINESE_INTENSIFIERS)].map((w) => w.length),
);
const NEGATORS = new Set(CHINESE_NEGATORS);
/** A negator or intensifier reaches a sentiment word at most this many characters after it. */
const MODIFIER_REACH = 3;

type Token = { kind: 'word'; weight: number } | { kind: 'negator' } | { kind: 'intensifier'; factor: number } | { kind: 'other' };

/** Longest match at position i: sentiment words first (so 不错 and 不满 are words, not 不 + 错). */
function tokenAt(text: string, i: number): { token: Token; length: number } {
  for (let length = Math.min(LONGEST_ENTRY, text.length - i); length > 0; length--) {
    const piece = text.slice(i, i + length);
    const weight = CHINESE_SENTIMENT_WORDS[piece];
    if (weight !== undefined) return { token: { kind: 'word', weight }, length };
    if (NEGATORS.has(piece)) return { token: { kind: 'negator' }, length };
    const factor = CHINESE_INTENSIFIERS[piece];
    if (factor !== undefined) return { token: { kind: 'intensifier', factor }, length };
  }
  return { token: { kind: 'other' }, length: 1 };
}

/** Scores one run of Chinese characters (punctuation ends a run, and with it any pending negation). */
function scoreChineseRun(run: string): number {
  let score = 0;
  let negated = false;
  let factor = 1;
  let sinceModifier = Infinity;
  for (let i = 0; i < run.length; ) {
    const { token, length } = tokenAt(run, i);
    i += length;
    if (token.kind === 'negator') {
      negated = !negated;
      sinceModifier = 0;
    } else if (token.kind === 'intensifier') {
      factor *= token.factor;
      sinceModifier = 0;
    } else if (token.kind === 'word') {
      if (sinceModifier > MODIFIER_REACH) {
        negated = false;
        factor = 1;
      }
      // A negated word turns round but less strongly: 不好 is bad, 不差 is only "fine".
      score += token.weight * factor * (negated ? -0.75 : 1);
      negated = false;
      factor = 1;
      sinceModifier = Infinity;
    } else {
      sinceModifier += length;
    }
  }
  return score;
}

export function scoreChinese(text: string): number {
  const runs = toSimplified(text).match(HAN_RUN) ?? [];
  return runs.reduce((sum, run) => sum + scoreChineseRun(run), 0);
}

export function scoreEnglish(text: string): number {
  return english.analyze(text).score;
}

/** The message's sentiment score, rounded to one decimal: below 0 unhappy, above 0 pleased. */
export function scoreSentiment(text: string): number {
  if (!text) return 0;
  const score = scoreChinese(text) + scoreEnglish(text);
  return Math.round(score * 10) / 10;
}

/** Coarse label for counters: two points either side of zero. */
export function sentimentLabel(score: number): SentimentLabel {
  if (score <= -2) return 'negative';
  if (score >= 2) return 'positive';
  return 'neutral';
}
