// Does a buyer's message use one of the shop's vocabulary words? Messages and words are compared in
// one form (NFKC, Simplified script, lower case), so a word written once matches every script.
// An English word stands as a word ("nut" is not in "walnuts"; a plural s or es may follow: "nuts"),
// and one ending in "*" may go on ("allerg*" → allergy, allergic); "how long … keep" matches those
// parts in that order with anything between. Chinese words match anywhere.

import { toSimplified } from '../language/chinese-script.ts';

export function normaliseForWords(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase();
}

const GAP = /\s*(?:…|\.\.\.)\s*/;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function partPattern(part: string): string {
  if (!/^[a-z0-9]/.test(part)) return escape(part);
  if (part.endsWith('*')) return `(?<![a-z0-9])${escape(part.slice(0, -1))}`;
  // A Latin word ends where the word ends, or with a plural ending.
  return /[a-z0-9]$/.test(part) ? `(?<![a-z0-9])${escape(part)}(?:e?s)?(?![a-z0-9])` : `(?<![a-z0-9])${escape(part)}`;
}

// Words are compiled once: the vocabulary changes only on a reload, which builds new word lists.
const compiled = new Map<string, RegExp | string>();

function matcherOf(word: string): RegExp | string {
  let matcher = compiled.get(word);
  if (matcher === undefined) {
    const normal = normaliseForWords(word).trim();
    const parts = normal.split(GAP).filter(Boolean);
    matcher = parts.length === 1 && !/^[a-z0-9]/.test(normal) ? normal : new RegExp(parts.map(partPattern).join('.*'));
    if (compiled.size > 20_000) compiled.clear();
    compiled.set(word, matcher);
  }
  return matcher;
}

/** Whether the normalised text (normaliseForWords) uses the word. */
export function usesWord(normalisedText: string, word: string): boolean {
  const matcher = matcherOf(word);
  if (matcher === '') return false;
  return typeof matcher === 'string' ? normalisedText.includes(matcher) : matcher.test(normalisedText);
}

export function usesAnyWord(normalisedText: string, words: readonly string[]): boolean {
  return words.some((word) => usesWord(normalisedText, word));
}
