// Reading numbers written in Chinese characters (六十, 一百二十, 两百, 一米七's 七五), as buyers type
// them when they give their height and weight. Only the range a shop chat needs is covered: up to
// 万 (10,000), since larger numbers are never a height or a weight.

const DIGIT_VALUES: ReadonlyMap<string, number> = new Map([
  ['零', 0], ['〇', 0],
  ['一', 1], ['二', 2], ['两', 2], ['兩', 2], ['三', 3], ['四', 4],
  ['五', 5], ['六', 6], ['七', 7], ['八', 8], ['九', 9],
]);

// 十 百 千 scale the digit before them within a section; 万 scales the whole section before it.
const SMALL_UNITS: ReadonlyMap<string, number> = new Map([['十', 10], ['百', 100], ['千', 1000]]);
const LARGE_UNITS: ReadonlyMap<string, number> = new Map([['万', 10_000], ['萬', 10_000]]);
const DECIMAL_POINTS = new Set(['点', '點']);
const ZEROES = new Set(['零', '〇']);
// 两 means "two of something" and is never written as a digit in a digit-by-digit reading (一七零).
const COUNT_ONLY_TWOS = new Set(['两', '兩']);

/** True for every character that can be part of a Chinese numeral. */
export function isChineseNumeralChar(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  return DIGIT_VALUES.has(ch) || SMALL_UNITS.has(ch) || LARGE_UNITS.has(ch) || DECIMAL_POINTS.has(ch);
}

/** True for the ten digit characters (and 两), the ones that can follow 米 in 一米七五. */
export function isChineseDigitChar(ch: string | undefined): boolean {
  return ch !== undefined && DIGIT_VALUES.has(ch);
}

/** The value of a single digit character, or undefined. */
export function chineseDigitValue(ch: string | undefined): number | undefined {
  return ch === undefined ? undefined : DIGIT_VALUES.get(ch);
}

/**
 * The value of a Chinese numeral, or null when the characters do not form one.
 * Understands positional numerals (一百二十 = 120, 一百零五 = 105), the colloquial shortening where the
 * last unit is implied (一百二 = 120, 一千五 = 1500, 两万五 = 25000), a leading 十 (十五 = 15),
 * decimals (一点七 = 1.7) and digit-by-digit readings (一七零 = 170).
 */
export function parseChineseNumeral(numeral: string): number | null {
  if (numeral.length === 0 || numeral.length > 24) return null;
  const chars = [...numeral];
  const pointAt = chars.findIndex((ch) => DECIMAL_POINTS.has(ch));
  if (pointAt === -1) return parseInteger(chars);
  const whole = parseInteger(chars.slice(0, pointAt));
  const fraction = chars.slice(pointAt + 1);
  if (whole === null || fraction.length === 0) return null;
  let digits = '';
  for (const ch of fraction) {
    const value = DIGIT_VALUES.get(ch);
    if (value === undefined || COUNT_ONLY_TWOS.has(ch)) return null;
    digits += String(value);
  }
  return Number(`${whole}.${digits}`);
}

function parseInteger(chars: string[]): number | null {
  if (chars.length === 0) return null;
  const hasUnit = chars.some((ch) => SMALL_UNITS.has(ch) || LARGE_UNITS.has(ch));
  return hasUnit ? parsePositional(chars) : parseDigitByDigit(chars);
}

function parseDigitByDigit(chars: string[]): number | null {
  if (chars.length === 1) return DIGIT_VALUES.get(chars[0]!) ?? null;
  let value = 0;
  for (const ch of chars) {
    const digit = DIGIT_VALUES.get(ch);
    if (digit === undefined || COUNT_ONLY_TWOS.has(ch)) return null;
    value = value * 10 + digit;
  }
  return value;
}

function parsePositional(chars: string[]): number | null {
  let total = 0;
  let section = 0;
  let pending: number | null = null;
  // The unit most recently applied; units within a section must get smaller (一千二百, not 二百一千).
  let lastUnit: number | null = null;
  let zeroSinceUnit = false;

  for (const ch of chars) {
    if (ZEROES.has(ch)) {
      if (pending !== null) return null;
      zeroSinceUnit = true;
      continue;
    }
    const digit = DIGIT_VALUES.get(ch);
    if (digit !== undefined) {
      if (pending !== null) return null; // two digits in a row inside a positional numeral
      pending = digit;
      continue;
    }
    const small = SMALL_UNITS.get(ch);
    if (small !== undefined) {
      // A bare leading 十 means ten (十五 = 15); 百 and 千 always need their digit.
      if (pending === null) {
        if (small !== 10 || section !== 0 || total !== 0 || zeroSinceUnit) return null;
        pending = 1;
      }
      if (lastUnit !== null && small >= lastUnit) return null;
      section += pending * small;
      pending = null;
      lastUnit = small;
      zeroSinceUnit = false;
      continue;
    }
    const large = LARGE_UNITS.get(ch);
    if (large !== undefined) {
      if (pending !== null) section += pending;
      if (section === 0 || total !== 0) return null;
      total = section * large;
      section = 0;
      pending = null;
      lastUnit = large;
      zeroSinceUnit = false;
      continue;
    }
    return null;
  }

  if (pending !== null) {
    // 一百二 is how people say 120: a lone digit right after 百/千/万 counts in the next unit down.
    // After a 零 (一百零二) or after 十 it is an ordinary units digit.
    if (lastUnit !== null && lastUnit >= 100 && !zeroSinceUnit) section += pending * (lastUnit / 10);
    else section += pending;
  }
  return total + section;
}
