// The units buyers write after a height or a weight, and how each converts to the core's
// canonical units: centimetres for length, kilograms for mass.

export type Dimension = 'length' | 'mass';

/**
 * How a unit takes part in compound forms:
 * - metre: 1米7, 1m70 (the digits after it are centimetres)
 * - foot: 5'8", 5 ft 8 in (the number after it is inches)
 * - centimetre: closes the centimetre part of 1米70公分
 * - plain: nothing follows
 */
export type UnitRole = 'metre' | 'foot' | 'centimetre' | 'plain';

export interface Unit {
  dimension: Dimension;
  /** Multiply by this to get centimetres (length) or kilograms (mass). */
  factor: number;
  role: UnitRole;
  /** Chinese units take a trailing 半 (一米半 = 1.5 m, 两斤半 = 2.5 斤). */
  takesHalf: boolean;
}

interface Spelling {
  text: string;
  unit: Unit;
  /** Compared as written: a lone "M" is a clothing size, only "m" is metres. */
  caseSensitive: boolean;
  /** Only right after the number ("68in"): "2 in stock" and "size 8 in black" are not inches. */
  attachedOnly: boolean;
}

export const CENTIMETRES_PER_INCH = 2.54;
export const INCHES_PER_FOOT = 12;
const CENTIMETRES_PER_FOOT = 30.48;
// The avoirdupois pound, exactly, by the 1959 international agreement.
const KILOGRAMS_PER_POUND = 0.45359237;

const centimetre: Unit = { dimension: 'length', factor: 1, role: 'centimetre', takesHalf: false };
const millimetre: Unit = { dimension: 'length', factor: 0.1, role: 'plain', takesHalf: false };
const metre: Unit = { dimension: 'length', factor: 100, role: 'metre', takesHalf: false };
const metreChinese: Unit = { ...metre, takesHalf: true };
// 公尺 is the Taiwanese word for metre; nobody writes 1公尺7, so it takes no centimetre part.
const metreTaiwan: Unit = { dimension: 'length', factor: 100, role: 'plain', takesHalf: true };
const foot: Unit = { dimension: 'length', factor: CENTIMETRES_PER_FOOT, role: 'foot', takesHalf: false };
const inch: Unit = { dimension: 'length', factor: CENTIMETRES_PER_INCH, role: 'plain', takesHalf: false };

const kilogram: Unit = { dimension: 'mass', factor: 1, role: 'plain', takesHalf: false };
const kilogramChinese: Unit = { ...kilogram, takesHalf: true };
// 斤 (jin, the market catty) was fixed at exactly half a kilogram in mainland China in 1959, and
// it is how most mainland buyers give their weight ("120斤" is an ordinary 60 kg).
const jin: Unit = { dimension: 'mass', factor: 0.5, role: 'plain', takesHalf: true };
// The Taiwanese catty (台斤) kept its older weight of 600 g; in Taiwan it is written out as 台斤.
const taiwanJin: Unit = { dimension: 'mass', factor: 0.6, role: 'plain', takesHalf: true };
const pound: Unit = { dimension: 'mass', factor: KILOGRAMS_PER_POUND, role: 'plain', takesHalf: false };
const gram: Unit = { dimension: 'mass', factor: 0.001, role: 'plain', takesHalf: false };

function spellings(unit: Unit, texts: string[], flags: Partial<Pick<Spelling, 'caseSensitive' | 'attachedOnly'>> = {}): Spelling[] {
  return texts.map((text) => ({ text, unit, caseSensitive: flags.caseSensitive ?? false, attachedOnly: flags.attachedOnly ?? false }));
}

// Longest first, so "kgs" wins over "kg" and "公斤" is never read as a stray "斤".
const SPELLINGS: readonly Spelling[] = [
  ...spellings(centimetre, ['centimetres', 'centimeters', 'centimetre', 'centimeter', 'cms', 'cm', '厘米', '釐米', '公分']),
  ...spellings(millimetre, ['millimetres', 'millimeters', 'millimetre', 'millimeter', 'mm', '毫米']),
  ...spellings(metre, ['metres', 'meters', 'metre', 'meter']),
  ...spellings(metre, ['m'], { caseSensitive: true }),
  ...spellings(metreChinese, ['米']),
  ...spellings(metreTaiwan, ['公尺']),
  // ' ′ ’ are how feet are written with a keyboard, a math font or a phone's smart quotes.
  ...spellings(foot, ['feet', 'foot', 'ft', "'", '′', '’', '英尺', '呎']),
  ...spellings(inch, ['inches', 'inch', '″', '英寸', '吋']),
  ...spellings(inch, ['in'], { attachedOnly: true }),
  ...spellings(kilogram, ['kilogrammes', 'kilogramme', 'kilograms', 'kilogram', 'kilos', 'kilo', 'kgs', 'kg']),
  ...spellings(kilogramChinese, ['公斤', '千克']),
  ...spellings(taiwanJin, ['台斤', '臺斤']),
  ...spellings(jin, ['市斤', '斤']),
  ...spellings(pound, ['pounds', 'pound', 'lbs', 'lb', '磅']),
  ...spellings(gram, ['grammes', 'gramme', 'grams', 'gram', '克']),
  ...spellings(gram, ['g'], { caseSensitive: true, attachedOnly: true }),
].sort((a, b) => b.text.length - a.text.length);

// Inch marks that close the inch part of a feet-and-inches height: 5'8", 5′8″, 5’8”, 5' 8''.
// A lone " or ” is a quotation mark in ordinary text, so they only count after feet.
const INCH_MARKS = ['inches', 'inch', 'in', "''", '’’', '′′', '"', '″', '”', '英寸', '吋'].sort((a, b) => b.length - a.length);

export interface UnitMatch {
  unit: Unit;
  end: number;
}

function isAsciiLetter(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'));
}

// A spelling made of letters must end where the word ends ("5 months" has no "m"); so must a
// feet apostrophe, which before a letter is an apostrophe ("the 90's").
function needsWordEnd(spelling: string): boolean {
  return isAsciiLetter(spelling[spelling.length - 1]) || spelling === "'" || spelling === '’';
}

function startsWithAt(text: string, at: number, spelling: string, caseSensitive: boolean): boolean {
  const candidate = text.slice(at, at + spelling.length);
  return caseSensitive ? candidate === spelling : candidate.toLowerCase() === spelling;
}

/**
 * The unit written at `at`, if any. `attached` says whether it follows the number with no space.
 */
export function matchUnit(text: string, at: number, attached: boolean): UnitMatch | null {
  for (const spelling of SPELLINGS) {
    if (spelling.attachedOnly && !attached) continue;
    if (!startsWithAt(text, at, spelling.text, spelling.caseSensitive)) continue;
    const end = at + spelling.text.length;
    if (needsWordEnd(spelling.text) && isAsciiLetter(text[end])) continue;
    return { unit: spelling.unit, end };
  }
  return null;
}

/** The end of an inch mark written at `at` (after the inch number of 5'8"), or null. */
export function matchInchMark(text: string, at: number): number | null {
  for (const mark of INCH_MARKS) {
    if (!startsWithAt(text, at, mark, false)) continue;
    const end = at + mark.length;
    if (isAsciiLetter(mark[mark.length - 1]) && isAsciiLetter(text[end])) continue;
    return end;
  }
  return null;
}

