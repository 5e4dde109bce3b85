// Which language and script a buyer writes in, and conversion between Chinese scripts.
// Conversion uses opencc-js (the JavaScript port of OpenCC's dictionaries) rather than a
// hand-kept character table: it knows phrase-level mappings a table misses (e.g. 乾/干, 後/后).
//
// Conversion is the costliest step of reading a short message (four dictionary passes, a Map lookup
// for every character of each), and one message is converted many times over: the recogniser, the
// short-reply reader, slot filling, product mentions and sentiment each normalise the same text, and
// every product search converts the catalog's texts again. So a text that holds no character any of
// the conversion's dictionaries starts an entry with is returned as it is (it cannot change), and
// recent answers are remembered (RecentConversions).

import * as OpenCC from 'opencc-js';
import type { Language } from '../messages.ts';

/** A conversion's dictionaries as opencc-js keeps them: "from to|from to" strings or [from, to] pairs, nested in groups. */
type Dictionaries = unknown;

/** The code points an entry of these dictionaries starts with: only a text holding one of them can be changed. */
function entryStarts(dictionaries: Dictionaries, into: { bmp: Uint8Array; astral: Set<number> }): boolean {
  const add = (source: unknown): boolean => {
    if (typeof source !== 'string') return false;
    const code = source.codePointAt(0);
    if (code === undefined) return true;
    if (code < 0x10000) into.bmp[code] = 1;
    else into.astral.add(code);
    return true;
  };
  if (typeof dictionaries === 'string') {
    for (const entry of dictionaries.split('|')) if (!add(entry.split(' ')[0])) return false;
    return true;
  }
  if (!Array.isArray(dictionaries)) return false;
  // A [from, to] pair of a dictionary given as pairs (opencc-js's other form).
  if (dictionaries.length === 2 && typeof dictionaries[0] === 'string' && typeof dictionaries[1] === 'string' && !dictionaries[0].includes(' ')) {
    return add(dictionaries[0]);
  }
  return dictionaries.every((inner) => entryStarts(inner, into));
}

/**
 * Whether a text may be changed by the preset conversion `name` (e.g. "tw2s"), as a function; null
 * when the preset is not where this version of opencc-js was seen to keep it (every text is then
 * converted). Segmentation only splits a text, it changes nothing, so it is not looked at.
 */
function mayChangeFor(names: readonly string[]): ((text: string) => boolean) | null {
  const configs = (OpenCC as unknown as { Locale?: { configs?: Record<string, { normalizationChain?: unknown; conversionChain?: unknown }> } }).Locale?.configs;
  const starts = { bmp: new Uint8Array(0x10000), astral: new Set<number>() };
  for (const name of names) {
    const config = configs?.[name];
    if (!config || !Array.isArray(config.conversionChain)) return null;
    if (!entryStarts(config.conversionChain, starts)) return null;
    if (config.normalizationChain !== undefined && !entryStarts(config.normalizationChain, starts)) return null;
  }
  const { bmp, astral } = starts;
  return (text) => {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        const point = text.codePointAt(i)!;
        if (point > 0xffff) {
          if (astral.has(point)) return true;
          i++;
          continue;
        }
      }
      if (bmp[code] === 1) return true;
    }
    return false;
  };
}

/**
 * Recent conversions, in two generations: answers are added to the young one; when it is full
 * (entries or characters), it becomes the old one and the old one is forgotten; an answer found in
 * the old generation moves back to the young one. So what is asked for again and again (the catalog's
 * and flows' texts, by every message; a message's text, by each of its readers) stays, what was asked
 * for once goes, and at most two generations are held. Cheaper than a strict least-recently-used
 * order, which moved every answer on every hit. A text longer than MAX_REMEMBERED_LENGTH is converted
 * each time. Strings are immutable, so handing out a remembered answer is safe.
 */
class RecentConversions {
  private young = new Map<string, string>();
  private old = new Map<string, string>();
  private youngCharacters = 0;

  constructor(
    private readonly convert: (text: string) => string,
    private readonly maxEntries: number,
    private readonly maxCharacters: number,
  ) {}

  get(text: string): string {
    const known = this.young.get(text);
    if (known !== undefined) return known;
    const old = this.old.get(text);
    const answer = old ?? this.convert(text);
    if (text.length <= MAX_REMEMBERED_LENGTH) this.remember(text, answer);
    return answer;
  }

  private remember(text: string, answer: string): void {
    if (this.young.size >= this.maxEntries || this.youngCharacters >= this.maxCharacters) {
      this.old = this.young;
      this.young = new Map();
      this.youngCharacters = 0;
    }
    this.young.set(text, answer);
    this.youngCharacters += text.length + answer.length;
  }
}

// A product's texts joined for a search are a few hundred to a few thousand characters.
const MAX_REMEMBERED_LENGTH = 4000;
// Per generation: at most ~2 MB of strings per direction with two generations (two bytes a
// character at worst).
const MAX_REMEMBERED_ENTRIES = 2048;
const MAX_REMEMBERED_CHARACTERS = 500_000;

// "tw" is Taiwan's standard characters, character-level only: we convert script, not vocabulary,
// so a buyer's own words survive the round trip (no 软件 → 軟體 rewriting).
const traditionalToSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
const simplifiedToTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
// Hong Kong forms (e.g. 着 vs 著 variants) are read as Traditional too.
const hongKongToSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });

// The presets opencc-js picks for those three converters (Converter({ from, to }) names them so).
const simplifiedMayChange = mayChangeFor(['tw2s', 'hk2s']);
const traditionalMayChange = mayChangeFor(['s2tw']);

const simplified = new RecentConversions(
  (text) => (simplifiedMayChange !== null && !simplifiedMayChange(text) ? text : hongKongToSimplified(traditionalToSimplified(text))),
  MAX_REMEMBERED_ENTRIES,
  MAX_REMEMBERED_CHARACTERS,
);
const traditional = new RecentConversions(
  (text) => (traditionalMayChange !== null && !traditionalMayChange(text) ? text : simplifiedToTraditional(text)),
  MAX_REMEMBERED_ENTRIES,
  MAX_REMEMBERED_CHARACTERS,
);

const HAN = /\p{Script=Han}/u;
const HAN_GLOBAL = /\p{Script=Han}/gu;
const LATIN_LETTER = /[A-Za-z]/;

export function toSimplified(text: string): string {
  return simplified.get(text);
}

export function toTraditional(text: string): string {
  return traditional.get(text);
}

/** The conversions without the shortcut or the memory, for tests that check both give the same. */
export const plainConversions = {
  toSimplified: (text: string): string => hongKongToSimplified(traditionalToSimplified(text)),
  toTraditional: (text: string): string => simplifiedToTraditional(text),
  shortcutAvailable: simplifiedMayChange !== null && traditionalMayChange !== null,
};

export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/** Counts positions where `converted` differs from `text` (conversion keeps length for characters). */
function changedCharacters(text: string, converted: string): number {
  const a = [...text];
  const b = [...converted];
  if (a.length !== b.length) return Math.abs(a.length - b.length) || 1;
  let changed = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) changed++;
  return changed;
}

// Latin tokens that Chinese buyers use too: units and clothing sizes say nothing about language.
const NEUTRAL_LATIN = new Set(['cm', 'mm', 'm', 'kg', 'g', 'lb', 'lbs', 'ft', 'in', 'xs', 's', 'l', 'xl', 'xxl', 'xxxl', 'ok', 'okk', 'id', 'vip']);

/** English when the Latin words are more than units and sizes (or a Latin word follows English). */
function looksEnglish(text: string, previous?: Language): boolean {
  if (!LATIN_LETTER.test(text)) return false;
  // Letters glued to digits are codes (order numbers KF2026…, tracking numbers SF123…, 170cm), not words.
  const words = (text.toLowerCase().match(/[a-z0-9]+/g) ?? [])
    .filter((w) => !/\d/.test(w))
    .filter((w) => !NEUTRAL_LATIN.has(w) && !/^\d*x*l$/.test(w));
  if (words.length > 0) return true;
  return previous === undefined || previous === 'en';
}

/**
 * The language of a message, or null when it carries none (digits, emoji, punctuation):
 * the caller keeps the conversation's previous language then.
 * Chinese that is the same in both scripts (你好, 170) keeps `previous` when that was Chinese,
 * else counts as Simplified, the more common script.
 */
export function detectLanguage(text: string, previous?: Language): Language | null {
  const han = text.match(HAN_GLOBAL);
  if (!han) return looksEnglish(text, previous) ? 'en' : null;
  const hanText = han.join('');
  const traditionalOnly = changedCharacters(hanText, toSimplified(hanText));
  const simplifiedOnly = changedCharacters(hanText, toTraditional(hanText));
  if (traditionalOnly > simplifiedOnly) return 'zh-Hant';
  if (simplifiedOnly > traditionalOnly) return 'zh-Hans';
  return previous === 'zh-Hant' || previous === 'zh-Hans' ? previous : 'zh-Hans';
}
