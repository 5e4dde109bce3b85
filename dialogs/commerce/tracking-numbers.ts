// Which carrier a parcel tracking number belongs to, from the number's format.
//
// UPS, FedEx, DHL, USPS and UPU S10 numbers (EMS abroad: EA123456785CN) are recognised by
// ts-tracking-number, which checks each format's check digit. The Chinese carriers publish no check
// digits, so their numbers are told apart by prefix and length, as their waybills print them:
// a number can fit a pattern without existing, which only the carrier can tell.
// A number that fits several carriers (a 12-digit ZTO number can also pass FedEx's check) is read
// as the carrier the buyer named, else as the Chinese carrier (the shop ships from China).

import { createRequire } from 'node:module';
import type { TrackingCourier } from 'ts-tracking-number';
import { toSimplified } from '../language/chinese-script.ts';

export type CarrierCode = 'sf' | 'yto' | 'zto' | 'sto' | 'yunda' | 'jd' | 'ems' | 'ups' | 'fedex' | 'dhl' | 'usps';

/** Words buyers use for each carrier (matched on simplified, lower-case text). */
const CARRIER_WORDS: [CarrierCode, RegExp][] = [
  ['sf', /顺丰|(^|[^a-z])sf([^a-z]|$)|sf express/],
  ['yto', /圆通|(^|[^a-z])yto([^a-z]|$)/],
  ['zto', /中通|(^|[^a-z])zto([^a-z]|$)/],
  ['sto', /申通|(^|[^a-z])sto([^a-z]|$)/],
  ['yunda', /韵达|yunda/],
  ['jd', /京东|(^|[^a-z])jd([^a-z]|$)/],
  ['ems', /邮政|ems|china post/],
  ['ups', /(^|[^a-z])ups([^a-z]|$)/],
  ['fedex', /联邦|fedex/],
  ['dhl', /dhl/],
  ['usps', /美国邮政|usps/],
];

// Chinese carriers: prefix and length as printed on their waybills.
const CHINESE_FORMATS: [CarrierCode, RegExp][] = [
  ['sf', /^SF\d{12,13}$/],
  ['jd', /^JD[A-Z]?\d{11,13}$/],
  ['yto', /^YT\d{13}$/],
  ['sto', /^77\d{13}$/],
  ['zto', /^7\d{11}$|^7\d{13}$/],
  ['yunda', /^(?:3\d|4\d)\d{11}$|^43\d{13}$/],
  ['ems', /^1\d{12}$/],
];

type TrackingLibrary = typeof import('ts-tracking-number');
let library: { getTracking: TrackingLibrary['getTracking']; couriers: [CarrierCode, TrackingCourier][] } | null = null;

/** Loaded on first use: it brings ramda along, which every `npm run flows` start would otherwise pay for. */
function trackingLibrary(): NonNullable<typeof library> {
  if (library) return library;
  const lib = createRequire(import.meta.url)('ts-tracking-number') as TrackingLibrary;
  library = { getTracking: lib.getTracking, couriers: [['ups', lib.ups], ['fedex', lib.fedex], ['dhl', lib.dhl], ['usps', lib.usps], ['ems', lib.s10]] };
  return library;
}

export type TrackingReading =
  | { kind: 'ok'; carrier: CarrierCode; number: string }
  /** No token that could be a tracking number at all. */
  | { kind: 'none' }
  /** Something number-like that fits no carrier's format. */
  | { kind: 'malformed'; number: string; named: CarrierCode | null }
  /** The buyer named one carrier, the number is another's. */
  | { kind: 'mismatch'; number: string; named: CarrierCode; detected: CarrierCode };

/** The carrier a buyer names in the message, if any. */
export function namedCarrier(text: string): CarrierCode | null {
  // The number itself is not a name: "SF1234…" says SF only through its format.
  const t = toSimplified(text.normalize('NFKC')).toLowerCase().replace(/[a-z0-9]*\d[a-z0-9]*/g, ' ');
  for (const [code, pattern] of CARRIER_WORDS) if (pattern.test(t)) return code;
  return null;
}

/** Every carrier whose format the number fits, Chinese carriers first. */
export function carriersFor(number: string): CarrierCode[] {
  const found: CarrierCode[] = [];
  for (const [code, pattern] of CHINESE_FORMATS) if (pattern.test(number)) found.push(code);
  const { getTracking, couriers } = trackingLibrary();
  for (const [code, courier] of couriers) {
    // S10 numbers ending in CN are China Post's; other countries' S10 numbers are not EMS China.
    if (code === 'ems' && !number.endsWith('CN')) continue;
    if (getTracking(number, [courier]) && !found.includes(code)) found.push(code);
  }
  return found;
}

/**
 * Number-like tokens: runs of letters, digits and dashes that hold a digit; neighbouring runs joined
 * by single spaces are one token when each holds a digit ("1Z 999 AA1 0123 4567 84").
 */
function candidateTokens(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  for (const part of text.split(/(\s)/)) {
    const word = part.trim();
    if (word === '') continue;
    const runs = word.split(/[^A-Za-z0-9-]+/).filter(Boolean);
    // A word glued to other text (单号SF123…) or holding punctuation ends the current token.
    const glued = runs.length !== 1 || runs[0] !== word;
    for (const [i, run] of runs.entries()) {
      const hasDigit = /\d/.test(run);
      if (hasDigit && current && !glued) current += run;
      else if (hasDigit && current && glued && i === 0 && word.startsWith(run)) current += run;
      else {
        if (current) tokens.push(current);
        current = hasDigit ? run : '';
      }
      if (glued && i < runs.length - 1 && current) {
        tokens.push(current);
        current = '';
      }
    }
    if (glued && current && !/[A-Za-z0-9-]$/.test(word)) {
      tokens.push(current);
      current = '';
    }
  }
  if (current) tokens.push(current);
  return tokens.map((t) => t.replace(/-/g, '').toUpperCase()).filter((t) => t.length >= 4 && t.length <= 40 && /\d{3}/.test(t));
}

/** Reads a tracking number (and the carrier) from a buyer's message. */
export function readTrackingNumber(text: string): TrackingReading {
  const clean = text.normalize('NFKC').slice(0, 2000);
  const named = namedCarrier(clean);
  // Joined groups first ("1Z 999 AA1 …"), then each word alone (a number repeated, or two numbers).
  const words = clean.split(/[^A-Za-z0-9-]+/).map((w) => w.replace(/-/g, '').toUpperCase()).filter((w) => w.length >= 4 && w.length <= 40 && /\d{3}/.test(w));
  const tokens = [...new Set([...candidateTokens(clean), ...words])];
  if (tokens.length === 0) return { kind: 'none' };
  for (const number of tokens) {
    const carriers = carriersFor(number);
    if (carriers.length === 0) continue;
    if (named && carriers.includes(named)) return { kind: 'ok', carrier: named, number };
    if (named) return { kind: 'mismatch', number, named, detected: carriers[0]! };
    return { kind: 'ok', carrier: carriers[0]!, number };
  }
  return { kind: 'malformed', number: tokens[0]!, named };
}
