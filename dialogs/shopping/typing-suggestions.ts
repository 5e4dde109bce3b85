// Suggestions as the buyer types (issue 15 item 2): the shop's own questions that match what was
// typed so far, so a buyer taps a whole question instead of finishing a half-typed one. The questions
// are the merchant's chips (every page's, and the `typing:` list offered only here; flow files'
// `chips:` part), so a suggestion always leads somewhere the shop has an answer.
//
// Matches, best first:
// 1. the question starts with what was typed, or holds it (Simplified and Traditional alike: 尺碼 finds 尺码怎么选);
// 2. Latin letters typed are the start of a Chinese question's pinyin initials or its pinyin
//    (cmz, chima → 尺码怎么选), as buyers type before they pick characters, or of a later
//    syllable's on (three letters or more: fapiao → 能开发票吗);
// 3. every word typed begins a word of an English question, the last one still being typed
//    (free sh → Free shipping from how much?);
// 4. most of the typed Chinese character pairs occur in the question (退货地址 → 退货寄到哪个地址).
// The index is built once per flow set (pinyin from pinyin-pro, at load time only), so a keystroke
// costs a scan of a few hundred short strings and no allocation per candidate.

import { pinyin } from 'pinyin-pro';
import { detectLanguage, hasHan, toSimplified } from '../language/chinese-script.ts';
import type { Language, LocalText } from '../messages.ts';
import type { ChipDefinition, ChipsByPage } from './page-chips.ts';

export interface Suggestion {
  /** The question in the buyer's language and script. */
  text: string;
  /** What tapping it sends, as a chip's payload. */
  payload: string;
}

/** As many as fit above a phone's keyboard. */
export const MAX_SUGGESTIONS = 5;
/** A longer query is not being typed towards a short question any more. */
export const MAX_QUERY_CHARS = 100;

interface Entry {
  titles: LocalText;
  payload: string;
  /** The Chinese title, Simplified, lower case, without spaces and punctuation. */
  chinese: string;
  /** Pinyin initials and pinyin from each syllable on, so that a buyer may start anywhere (fapiao → 能开发票吗). */
  initialsFrom: readonly string[];
  pinyinFrom: readonly string[];
  chinesePairs: ReadonlySet<string>;
  /** The English title's words, lower case. */
  englishWords: readonly string[];
}

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/gu;
const LATIN_ONLY = /^[a-z\s']+$/;

function compact(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase().replace(NOT_LETTER_OR_DIGIT, '');
}

function pairsOf(text: string): Set<string> {
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < text.length; i++) pairs.add(text.slice(i, i + 2));
  return pairs;
}

function entryOf(chip: ChipDefinition): Entry {
  const chinese = compact(chip.title['zh-Hans']);
  const syllables = hasHan(chinese) ? pinyin(chinese, { toneType: 'none', type: 'array', nonZh: 'removed' }) : [];
  return {
    titles: chip.title,
    payload: chip.payload,
    chinese,
    initialsFrom: syllables.map((_, i) => syllables.slice(i).map((syllable) => syllable[0] ?? '').join('')),
    pinyinFrom: syllables.map((_, i) => syllables.slice(i).join('')),
    chinesePairs: pairsOf(chinese),
    englishWords: chip.title.en.toLowerCase().split(NOT_LETTER_OR_DIGIT).filter(Boolean),
  };
}

interface Match {
  entry: Entry;
  score: number;
  language: Language;
  order: number;
}

export class SuggestionIndex {
  private readonly entries: readonly Entry[];

  constructor(chips: ChipsByPage) {
    // The typing-only list first: the merchant wrote it for exactly this.
    const lists = [...chips.entries()].sort(([a], [b]) => Number(b === 'typing') - Number(a === 'typing'));
    const seen = new Set<string>();
    const entries: Entry[] = [];
    for (const [, list] of lists) {
      for (const chip of list) {
        const key = `${chip.payload}\u0000${chip.title['zh-Hans']}\u0000${chip.title.en}`;
        if (seen.has(key)) continue;
        seen.add(key);
        entries.push(entryOf(chip));
      }
    }
    this.entries = entries;
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The questions matching `typed`, best first, at most MAX_SUGGESTIONS, each in the language the
   * buyer is typing in: the script of Chinese typed, English for English words, and `pageLanguage`
   * (Chinese only) for pinyin.
   */
  suggest(typed: string, pageLanguage: Language): Suggestion[] {
    const raw = typed.normalize('NFKC').slice(0, MAX_QUERY_CHARS).toLowerCase().trim();
    if (raw === '') return [];
    const chineseTyped = hasHan(raw);
    const typedLanguage: Language = chineseTyped ? (detectLanguage(raw, pageLanguage === 'en' ? undefined : pageLanguage) ?? 'zh-Hans') : 'en';
    const query = compact(raw);
    const latin = LATIN_ONLY.test(raw) ? raw.replace(/[\s']+/g, '') : '';
    const words = latin ? raw.split(/[\s']+/).filter(Boolean) : [];
    const pinyinLanguage: Language = pageLanguage === 'en' ? 'zh-Hans' : pageLanguage;
    const queryPairs = chineseTyped && query.length >= 3 ? [...pairsOf(query)] : [];

    const matches: Match[] = [];
    this.entries.forEach((entry, order) => {
      let score = 0;
      let language = typedLanguage;
      if (query && entry.chinese.startsWith(query)) score = 100;
      else if (query.length >= 2 && chineseTyped && entry.chinese.includes(query)) score = 80;
      if (score === 0 && latin.length >= 2 && matchesWordPrefixes(entry.englishWords, words)) {
        score = entry.englishWords[0]!.startsWith(words[0]!) ? 75 : 60;
        language = 'en';
      }
      if (score === 0 && latin.length >= 2) {
        const from = pinyinStart(entry, latin);
        if (from === 0 || (from > 0 && latin.length >= 3)) {
          score = from === 0 ? 70 : 55;
          language = pinyinLanguage;
        }
      }
      if (score === 0 && queryPairs.length > 0) {
        const shared = queryPairs.filter((pair) => entry.chinesePairs.has(pair)).length;
        if (shared * 2 >= queryPairs.length) score = (40 * shared) / queryPairs.length;
      }
      if (score > 0) matches.push({ entry, score, language, order });
    });
    matches.sort((a, b) => b.score - a.score || a.order - b.order);

    const suggestions: Suggestion[] = [];
    const shown = new Set<string>();
    for (const { entry, language } of matches) {
      const text = entry.titles[language];
      if (shown.has(text)) continue;
      shown.add(text);
      suggestions.push({ text, payload: entry.payload });
      if (suggestions.length === MAX_SUGGESTIONS) break;
    }
    return suggestions;
  }
}

/** The first syllable from which the question's pinyin initials or pinyin start with the letters typed, or -1. */
function pinyinStart(entry: Entry, latin: string): number {
  for (let i = 0; i < entry.pinyinFrom.length; i++) {
    if (entry.initialsFrom[i]!.startsWith(latin) || entry.pinyinFrom[i]!.startsWith(latin)) return i;
  }
  return -1;
}

/** Every typed word begins a word of the title, in order; the last may be half typed, the others whole or begun. */
function matchesWordPrefixes(titleWords: readonly string[], typedWords: readonly string[]): boolean {
  let at = 0;
  for (const word of typedWords) {
    while (at < titleWords.length && !titleWords[at]!.startsWith(word)) at++;
    if (at === titleWords.length) return false;
    at++;
  }
  return true;
}

const indexes = new WeakMap<ChipsByPage, SuggestionIndex>();

/** The index of a flow set's chips, built on first use and kept as long as those flows are loaded. */
export function suggestionIndexOf(chips: ChipsByPage): SuggestionIndex {
  let index = indexes.get(chips);
  if (!index) {
    index = new SuggestionIndex(chips);
    indexes.set(chips, index);
  }
  return index;
}
