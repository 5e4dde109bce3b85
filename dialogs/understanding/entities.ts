// Finds the things a buyer's message carries that flows need as values: heights and weights
// (for size advice), phone numbers (for address changes and call-backs) and order ids.
// Everything is found in one pass per kind and the kinds are then made to agree: a number that is a
// phone or an order id is never also read as a quantity.

import type { CountryCode } from 'libphonenumber-js';
// The "max" metadata tells a mobile number from a landline, which decides phone-versus-order-id.
import { findPhoneNumbersInText, isSupportedCountry } from 'libphonenumber-js/max';
import { getCountries, getCountryCallingCode, Metadata } from 'libphonenumber-js/core';
import maxMetadata from 'libphonenumber-js/max/metadata';
import { chineseDigitValue, isChineseDigitChar, isChineseNumeralChar, parseChineseNumeral } from './chinese-numerals.ts';
import { INCHES_PER_FOOT, CENTIMETRES_PER_INCH, matchInchMark, matchUnit, type Unit } from './units.ts';

export interface QuantityEntity { type: 'quantity'; dimension: 'length' | 'mass' | null; value: number; unit: 'cm' | 'kg' | null; text: string; start: number; end: number }
export interface PhoneEntity { type: 'phone'; e164: string; text: string; start: number; end: number }
export interface OrderIdEntity { type: 'order_id'; value: string; text: string; start: number; end: number }
export type Entity = QuantityEntity | PhoneEntity | OrderIdEntity;
export interface EntityOptions {
  /** Country assumed for numbers written without "+country code". Default 'CN'. */
  defaultCountry?: CountryCode;
  /** Replaces the default order-id pattern (1–4 capital letters then 12–24 digits, or 12–24 digits). */
  orderIdPattern?: RegExp;
}

// A chat message is a few hundred characters at most. Text beyond this is not read, so a hostile
// megabyte costs no more than a long message (libphonenumber alone is ~1.5 ms per kilobyte).
export const MAX_SCANNED_LENGTH = 20_000;

// Order numbers on Chinese marketplaces are long digit strings (often a date and a sequence), some
// shops put a short capital prefix in front. The look-arounds stop a match inside a longer code.
const DEFAULT_ORDER_ID_PATTERN = /(?<![A-Za-z0-9])(?:[A-Z]{1,4})?\d{12,24}(?![A-Za-z0-9])/g;

// "Numbers of 5+ digits are not quantities": no height or weight needs them, and such runs are
// codes, prices or parts of ids the other extractors did not claim.
const MAX_QUANTITY_INTEGER_DIGITS = 4;
const MAX_QUANTITY_VALUE = 10_000;
const MAX_SPACES_BEFORE_UNIT = 3;
// Between a number and its unit, "-odd" or "about": 60多公斤, 120来斤, 六十几公斤, 60余公斤.
const APPROXIMATE_MARKERS: ReadonlySet<string> = new Set(['多', '来', '來', '几', '幾', '余', '餘']);

/** Entities in the order they appear, non-overlapping. start/end are UTF-16 offsets into the ORIGINAL text. */
export function extractEntities(text: string, options: EntityOptions = {}): Entity[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const scanned = toHalfWidth(limitLength(text));

  // libphonenumber is most of the cost of a short message: skip it when the text has fewer digits
  // than any phone number it could find.
  const phones = countDigits(scanned) >= minimumPhoneDigits(options.defaultCountry) ? findPhones(scanned, options.defaultCountry) : [];
  const claims = resolveClaims(phones, findOrderIds(scanned, options.orderIdPattern));
  const masked = maskSpans(scanned, claims);
  const quantities = findQuantities(masked);

  const entities: Entity[] = [];
  for (const claim of claims) {
    const original = text.slice(claim.start, claim.end);
    if (claim.kind === 'phone') entities.push({ type: 'phone', e164: claim.value, text: original, start: claim.start, end: claim.end });
    else entities.push({ type: 'order_id', value: claim.value, text: original, start: claim.start, end: claim.end });
  }
  for (const q of quantities) entities.push({ ...q, text: text.slice(q.start, q.end) });
  return entities.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------------
// Input shaping

function limitLength(text: string): string {
  if (text.length <= MAX_SCANNED_LENGTH) return text;
  let cut = MAX_SCANNED_LENGTH;
  // Do not end inside a number or word (a truncated "13800138000" would be a different number).
  const floor = cut - 64;
  while (cut > floor && isWordChar(text[cut - 1]) && isWordChar(text[cut])) cut--;
  // Nor between the halves of a surrogate pair.
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return text.slice(0, cut);
}

/**
 * Full-width forms (１７０ｃｍ, ＋８６) become ASCII. Each is one UTF-16 unit before and after, so
 * every offset into the result is an offset into the original text.
 */
function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) =>
    ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

// Same length as what it hides, neither a digit, letter nor numeral: nothing can match through it.
const MASK = '\uFFFC';

function maskSpans(text: string, spans: readonly { start: number; end: number }[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + MASK.repeat(span.end - span.start);
    at = span.end;
  }
  return out + text.slice(at);
}

// ---------------------------------------------------------------------------------------------
// Phones and order ids

interface Claim {
  kind: 'phone' | 'order_id';
  value: string;
  start: number;
  end: number;
  /** A phone that is surely a phone: a mobile number, or written with "+country code". */
  sure: boolean;
}

const ANY_DIGIT = /\p{Nd}/gu;
const phoneMetadata = new Metadata(maxMetadata);
// The fewest digits of a number written with its country code, over every country (+43 and four
// digits in Austria: 6), and per country, the fewest digits of a national number (4 in Saint
// Helena, 7 in mainland China), from libphonenumber's own metadata.
const MIN_INTERNATIONAL_DIGITS = Math.min(
  ...getCountries(maxMetadata).map((country) => getCountryCallingCode(country, maxMetadata).length + minimumNationalDigits(country)),
);
const minimumByCountry = new Map<string, number>();

function minimumNationalDigits(country: CountryCode): number {
  phoneMetadata.selectNumberingPlan(country);
  return Math.min(...(phoneMetadata.numberingPlan?.possibleLengths() ?? [1]));
}

/** The fewest digits a text must hold for libphonenumber to find a phone number in it. */
export function minimumPhoneDigits(requestedCountry: CountryCode | undefined): number {
  const country = requestedCountry === undefined ? 'CN' : requestedCountry;
  if (!isSupportedCountry(country)) return MIN_INTERNATIONAL_DIGITS;
  let minimum = minimumByCountry.get(country);
  if (minimum === undefined) {
    minimum = Math.min(MIN_INTERNATIONAL_DIGITS, minimumNationalDigits(country));
    minimumByCountry.set(country, minimum);
  }
  return minimum;
}

function countDigits(text: string): number {
  return text.match(ANY_DIGIT)?.length ?? 0;
}

function findPhones(text: string, requestedCountry: CountryCode | undefined): Claim[] {
  // A country libphonenumber does not know (a typo in configuration) would make it throw; reading
  // only numbers written with "+country code" is then the honest fallback.
  const country = requestedCountry === undefined ? 'CN' : isSupportedCountry(requestedCountry) ? requestedCountry : undefined;
  // libphonenumber reads an ASCII comma or semicolon as a dialling pause before an extension, so
  // "13800138000,170cm" would swallow the 170 or lose the phone. Buyers mean a list separator;
  // '、' separates the same way and keeps every offset.
  const phoneText = text.replace(/[,;]/g, '、');
  const found = matchPhones(phoneText, 0, country);
  return [...found, ...findPhonesInDigitGroups(phoneText, found, country)];
}

function matchPhones(text: string, offset: number, country: CountryCode | undefined): Claim[] {
  let matches: ReturnType<typeof findPhoneNumbersInText>;
  try {
    matches = findPhoneNumbersInText(text, country === undefined ? {} : { defaultCountry: country });
  } catch {
    return [];
  }
  return matches.map((m) => {
    const type = m.number.getType();
    return {
      kind: 'phone' as const,
      value: m.number.number,
      start: offset + m.startsAt,
      end: offset + m.endsAt,
      sure: text[m.startsAt] === '+' || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE',
    };
  });
}

// Digit groups separated by one space or hyphen: "138 0013 8000 170", "+86 138 0013 8000".
const DIGIT_GROUPS = /\+?\d+(?:[ -]\d+)*/g;
const MAX_GROUPS_PER_PHONE = 5;
const MAX_GROUP_TRIALS = 200;

/**
 * libphonenumber reads a whole run of space-separated digit groups as one candidate, so a phone
 * followed or preceded by another number ("138 0013 8000 170cm", "身高 170 138 0013 8000") is
 * missed. Within each such run it did not match, this tries the windows of consecutive groups,
 * longest first, from the left, and keeps only sure phones (mobiles, or "+country code").
 * The number of tries is capped, so a hostile run of digits costs little.
 */
function findPhonesInDigitGroups(text: string, found: readonly Claim[], country: CountryCode | undefined): Claim[] {
  const extra: Claim[] = [];
  let trials = 0;
  for (const run of text.matchAll(DIGIT_GROUPS)) {
    const runStart = run.index;
    const runEnd = runStart + run[0].length;
    if (found.some((c) => c.start < runEnd && runStart < c.end)) continue;
    const groups = [...run[0].matchAll(/\+?\d+/g)].map((g) => ({ start: runStart + g.index, end: runStart + g.index + g[0].length }));
    if (groups.length < 2) continue;
    let i = 0;
    while (i < groups.length && trials < MAX_GROUP_TRIALS) {
      let matched = 0;
      for (let size = Math.min(MAX_GROUPS_PER_PHONE, groups.length - i); size >= 1 && trials < MAX_GROUP_TRIALS; size--) {
        const start = groups[i]!.start;
        const end = groups[i + size - 1]!.end;
        const digits = text.slice(start, end).replace(/\D/g, '').length;
        if (digits < 7 || digits > 17) continue;
        trials++;
        // Only sure phones: a window of a date or a list ("2026-11-23 12") can look like a landline.
        const whole = matchPhones(text.slice(start, end), start, country).find((c) => c.start === start && c.end === end && c.sure);
        if (whole) {
          extra.push(whole);
          matched = size;
          break;
        }
      }
      i += matched || 1;
    }
  }
  return extra;
}

// The shop's pattern made global, once per pattern (it comes from the configuration, not the message).
const globalPatterns = new WeakMap<RegExp, RegExp>();

function findOrderIds(text: string, pattern: RegExp | undefined): Claim[] {
  let regex = DEFAULT_ORDER_ID_PATTERN;
  if (pattern instanceof RegExp) {
    let global = globalPatterns.get(pattern);
    if (global === undefined) {
      global = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'g');
      globalPatterns.set(pattern, global);
    }
    regex = global;
  }
  // Shared between calls, which never interleave (this runs to the end without waiting): start at 0.
  regex.lastIndex = 0;
  const claims: Claim[] = [];
  let match: RegExpExecArray | null;
  while ((match = regex.exec(text)) !== null) {
    if (match[0].length === 0) {
      regex.lastIndex++; // a pattern that can match nothing must still move on
      continue;
    }
    claims.push({ kind: 'order_id', value: match[0], start: match.index, end: match.index + match[0].length, sure: true });
  }
  return claims;
}

// When a phone and an order id cover the same characters, the longer one wins: a pattern that
// reaches further saw more of the token. On a tie, a sure phone wins over an order id: an 11-digit
// number that is a valid Chinese mobile is what buyers type when asked for a phone, and a shop whose
// order-id pattern also admits 11 digits would otherwise never get a phone number. An order id wins
// the tie over a landline-looking number, which in a shop chat is more likely an order.
function resolveClaims(phones: Claim[], orderIds: Claim[]): Claim[] {
  const rank = (c: Claim) => (c.kind === 'phone' ? (c.sure ? 0 : 2) : 1);
  const candidates = [...phones, ...orderIds].sort(
    (a, b) => (b.end - b.start) - (a.end - a.start) || rank(a) - rank(b) || a.start - b.start);
  const kept: Claim[] = [];
  for (const c of candidates) {
    if (!kept.some((k) => k.start < c.end && c.start < k.end)) kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------------
// Quantities

type FoundQuantity = Omit<QuantityEntity, 'text'>;

function isAsciiDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

function isAsciiLetter(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'));
}

function isWordChar(ch: string | undefined): boolean {
  return isAsciiDigit(ch) || isAsciiLetter(ch) || isChineseNumeralChar(ch);
}

function skipSpaces(text: string, at: number, max = MAX_SPACES_BEFORE_UNIT): number {
  let end = at;
  while (end - at < max && (text[end] === ' ' || text[end] === '\t' || text[end] === '\u00A0')) end++;
  return end;
}

function roundToTenth(value: number): number {
  return Math.round(value * 10) / 10;
}

interface NumberToken {
  value: number;
  isInteger: boolean;
  end: number;
}

/**
 * An Arabic number starting at `at`: digits with at most one decimal point. A run like 1.2.3.4 is a
 * version or an address, not a number; `skipTo` then says where the run ends.
 */
function readArabicNumber(text: string, at: number): NumberToken | { skipTo: number } {
  let end = at;
  while (isAsciiDigit(text[end]) || text[end] === '.') end++;
  let run = text.slice(at, end);
  // A full stop after a number ends the sentence ("I'm 170.").
  if (run.endsWith('.') && !isAsciiDigit(text[end])) {
    run = run.slice(0, -1);
  }
  if (!/^\d+(?:\.\d+)?$/.test(run)) return { skipTo: end };
  const integerDigits = run.indexOf('.') === -1 ? run.length : run.indexOf('.');
  if (integerDigits > MAX_QUANTITY_INTEGER_DIGITS) return { skipTo: end };
  return { value: Number(run), isInteger: !run.includes('.'), end: at + run.length };
}

function readChineseNumber(text: string, at: number): NumberToken | { skipTo: number } {
  let end = at;
  while (end - at < 24 && isChineseNumeralChar(text[end])) end++;
  // 六十千克: the 千 belongs to the unit 千克 (kilogram), not to the number.
  if (text[end - 1] === '千' && text[end] === '克' && end - 1 > at) end--;
  const value = parseChineseNumeral(text.slice(at, end));
  if (value === null) return { skipTo: end };
  return { value, isInteger: Number.isInteger(value), end };
}

/** Heights and weights with units, and bare numbers, in the text outside phones and order ids. */
function findQuantities(text: string): FoundQuantity[] {
  const found: FoundQuantity[] = [];
  let at = 0;
  while (at < text.length) {
    const ch = text[at];
    if (isAsciiDigit(ch)) {
      at = readArabicQuantity(text, at, found);
    } else if (isChineseNumeralChar(ch)) {
      at = readChineseQuantity(text, at, found);
    } else {
      at++;
    }
  }
  return found;
}

function readArabicQuantity(text: string, start: number, found: FoundQuantity[]): number {
  const number = readArabicNumber(text, start);
  if ('skipTo' in number) return number.skipTo;
  // After a letter a number is part of a code or a size (XL3, A4, iPhone15).
  const before = text[start - 1];
  if (isAsciiLetter(before) || before === '.') return number.end;

  const withUnit = readUnitAfter(text, start, number);
  if (withUnit) {
    found.push(withUnit);
    return withUnit.end;
  }
  // Straight before a letter it is a size or a code (3XL, 2XS, 5G), not a quantity.
  if (isAsciiLetter(text[number.end])) return skipWord(text, number.end);
  found.push({ type: 'quantity', dimension: null, value: number.value, unit: null, start, end: number.end });
  return number.end;
}

function readChineseQuantity(text: string, start: number, found: FoundQuantity[]): number {
  const number = readChineseNumber(text, start);
  if ('skipTo' in number) return number.skipTo;
  // Characters like 一 and 十 are everywhere in ordinary words (一下, 十分), so a Chinese numeral is
  // only read as a quantity when a unit follows it.
  const withUnit = readUnitAfter(text, start, number);
  if (withUnit) {
    found.push(withUnit);
    return withUnit.end;
  }
  return number.end;
}

function skipWord(text: string, at: number): number {
  let end = at;
  while (isAsciiLetter(text[end]) || isAsciiDigit(text[end])) end++;
  return end;
}

function readUnitAfter(text: string, start: number, number: NumberToken): FoundQuantity | null {
  if (number.value >= MAX_QUANTITY_VALUE) return null;
  // 60多公斤, 120来斤, 六十几公斤 ("sixty-odd kilos"): the number is the best value the buyer gave.
  const approximate = APPROXIMATE_MARKERS.has(text[number.end] ?? '') ? 1 : 0;
  const unitAt = skipSpaces(text, number.end + approximate);
  const unit = matchUnit(text, unitAt, unitAt === number.end + approximate);
  if (!unit || (approximate && unit.unit.role !== 'plain' && unit.unit.role !== 'centimetre')) return null;

  let amount = number.value * unit.unit.factor;
  let end = unit.end;

  if (unit.unit.role === 'metre' && number.isInteger) {
    const centimetres = readCentimetrePart(text, end);
    if (centimetres) {
      amount += centimetres.value;
      end = centimetres.end;
    }
  } else if (unit.unit.role === 'foot') {
    const inches = readInchPart(text, end);
    if (inches) {
      amount += inches.value * CENTIMETRES_PER_INCH;
      end = inches.end;
    }
  }
  if (unit.unit.takesHalf && text[end] === '半' && end === unit.end) {
    amount += 0.5 * unit.unit.factor;
    end++;
  }
  return quantity(unit.unit, amount, start, end);
}

function quantity(unit: Unit, amount: number, start: number, end: number): FoundQuantity {
  return unit.dimension === 'length'
    ? { type: 'quantity', dimension: 'length', value: roundToTenth(amount), unit: 'cm', start, end }
    : { type: 'quantity', dimension: 'mass', value: roundToTenth(amount), unit: 'kg', start, end };
}

/**
 * The centimetres written straight after 米 or m: 1米7 and 一米七 say 170 (one digit is tens of
 * centimetres, as "one metre seven" means 1.7 m), 1米75 and 一米七五 say 175, 1米05 says 105, and
 * 1米70公分 spells the centimetres out.
 */
function readCentimetrePart(text: string, at: number): { value: number; end: number } | null {
  let digits: number[];
  let end = at;
  if (isAsciiDigit(text[at])) {
    while (isAsciiDigit(text[end])) end++;
    // 1米7.5 or 1m700 are not a centimetre part.
    if (text[end] === '.' || end - at > 2) return null;
    digits = [...text.slice(at, end)].map(Number);
  } else if (isChineseDigitChar(text[at]) && text[at] !== '两' && text[at] !== '兩') {
    while (end - at < 4 && isChineseNumeralChar(text[end])) end++;
    const run = text.slice(at, end);
    if ([...run].every((ch) => isChineseDigitChar(ch)) && run.length <= 2) {
      digits = [...run].map((ch) => chineseDigitValue(ch)!);
    } else {
      const value = parseChineseNumeral(run); // 一米七十五
      if (value === null || value >= 100) return null;
      digits = [Math.floor(value / 10), value % 10];
    }
  } else {
    return null;
  }

  const literal = digits.reduce((sum, d) => sum * 10 + d, 0);
  const unit = matchUnit(text, end, true);
  if (unit && unit.unit.role === 'centimetre') return { value: literal, end: unit.end };
  if (unit || isAsciiLetter(text[end])) return null; // 1m7kg is no height
  return { value: digits.length === 1 ? literal * 10 : literal, end };
}

/** The inches after feet: 5'8", 5′8″, 5ft 8in, 5 feet 8 inches, 5 foot 8, 5英尺8英寸, 5呎8吋. */
function readInchPart(text: string, at: number): { value: number; end: number } | null {
  const numberAt = skipSpaces(text, at);
  let number: NumberToken | { skipTo: number } | null = null;
  if (isAsciiDigit(text[numberAt])) number = readArabicNumber(text, numberAt);
  else if (isChineseNumeralChar(text[numberAt])) number = readChineseNumber(text, numberAt);
  if (number === null || 'skipTo' in number || number.value >= INCHES_PER_FOOT) return null;

  const markAt = skipSpaces(text, number.end);
  const markEnd = matchInchMark(text, markAt);
  if (markEnd !== null) return { value: number.value, end: markEnd };
  // "5 foot 8": the inches may go unnamed, but not when something else is named (5 ft 8 kg).
  const next = text[number.end];
  if (isAsciiLetter(next) || isAsciiDigit(next) || matchUnit(text, markAt, markAt === number.end)) return null;
  return { value: number.value, end: number.end };
}
