// Which language and script a buyer writes in, and conversion between Chinese scripts.
// Conversion uses opencc-js (the JavaScript port of OpenCC's dictionaries) rather than a
// hand-kept character table: it knows phrase-level mappings a table misses (e.g. 乾/干, 後/后).

import * as OpenCC from 'opencc-js';
import type { Language } from '../messages.ts';

// "tw" is Taiwan's standard characters, character-level only: we convert script, not vocabulary,
// so a buyer's own words survive the round trip (no 软件 → 軟體 rewriting).
const traditionalToSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
const simplifiedToTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
// Hong Kong forms (e.g. 着 vs 著 variants) are read as Traditional too.
const hongKongToSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });

const HAN = /\p{Script=Han}/u;
const HAN_GLOBAL = /\p{Script=Han}/gu;
const LATIN_LETTER = /[A-Za-z]/;

export function toSimplified(text: string): string {
  return hongKongToSimplified(traditionalToSimplified(text));
}

export function toTraditional(text: string): string {
  return simplifiedToTraditional(text);
}

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
