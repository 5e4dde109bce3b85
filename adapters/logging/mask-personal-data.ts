// Masks buyers' personal data (resident ID numbers, bank card numbers, phone numbers, e-mail
// addresses, street addresses) in free text, so logs and hand-off cards can be kept and shared
// without exposing who the buyer is.
//
// Buyers type on Chinese input methods: digits, letters, "@" and "." often come full-width
// (１３８．１２３４．５６７８, ｚｈａｎｇ＠ｑｑ．ｃｏｍ). Every pass but the address ones looks at a folded
// copy of the text, in which full-width ASCII forms are their ASCII selves (one UTF-16 unit each, so
// every index is the same in both), and rebuilds the result from the original characters.
//
// Judgement is left to well-kept libraries where one fits (docs/dependencies.md): libphonenumber-js
// confirms international numbers; validator's isIdentityCard confirms resident ID numbers (zh-CN:
// province code, a real birth date, the GB 11643 check digit; zh-TW and zh-HK: their check
// characters) and its isLuhnNumber the check digit of bank cards. What a candidate looks like in
// running text, and which card prefixes count, is decided here.
//
// Every pass is linear in the length of the text: no regular expression here has nested,
// overlapping quantifiers, and the two passes that need judgement (e-mail addresses, Chinese
// street addresses) are hand-written scanners with bounded look-ahead. A hostile 100 KB line
// therefore costs milliseconds, not minutes.

import { findNumbers } from 'libphonenumber-js';
import identityCardModule from 'validator/lib/isIdentityCard.js';
import luhnNumberModule from 'validator/lib/isLuhnNumber.js';

// validator's modules are CommonJS with the function as module.exports and as its .default; the
// two checks alone are loaded, not the whole library.
const isIdentityCard = identityCardModule.default;
const isLuhnNumber = luhnNumberModule.default;

/** What replaces a street address (its length would tell too much). */
const ADDRESS_MASK = '****';

/**
 * Returns `text` with ID numbers, bank cards, phone numbers, e-mail addresses and street addresses
 * masked: `11010519491231002X` → `110***********002X`, `6222 0212 3456 7890 128` →
 * `**** **** **** ***0 128`, `138.1234.5678` → `138.****.5678`, `zhang＠qq.com` → `z***＠qq.com`,
 * `浙江省杭州市余杭区文一西路969号` → `浙江省杭州市余杭区****`, `221B Baker Street` → `****`.
 * Text without personal data comes back unchanged. Never throws.
 */
export function maskPersonalData(text: string): string {
  let result: string;
  try {
    result = typeof text === 'string' ? text : String(text);
  } catch {
    return '[unprintable value]';
  }
  if (result.length === 0) return result;
  try {
    result = maskEmails(result);
    // ID numbers and cards before phones: a phone-shaped run inside one is masked with it.
    result = maskResidentIds(result);
    result = maskBankCards(result);
    result = maskChineseMobiles(result);
    result = maskChineseLandlines(result);
    result = maskInternationalNumbers(result);
    result = maskChineseAddresses(result);
    result = maskEnglishAddresses(result);
    return result;
  } catch {
    // Masking itself failed (it should not): hiding the text is safer than leaking it.
    return '[text withheld: masking failed]';
  }
}

// ---------------------------------------------------------------------------------------------
// Full-width text

const FULL_WIDTH = /[\uff01-\uff5e\u3000\u3002]/g;

/**
 * The text with full-width ASCII forms (U+FF01–FF5E: ０-９, Ａ-ｚ, ＠, ．, －, ＋, （）), the
 * ideographic space and full stop (。, typed for the dot of an e-mail domain) folded to ASCII.
 * Each is one UTF-16 unit, as is its ASCII form: an index in one is the same index in the other.
 */
export function foldWidth(text: string): string {
  FULL_WIDTH.lastIndex = 0;
  if (!FULL_WIDTH.test(text)) return text;
  return text.replace(FULL_WIDTH, (ch) => (ch === '\u3000' ? ' ' : ch === '\u3002' ? '.' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)));
}

/**
 * Runs `pattern` (flags g and d) over the folded text and replaces each match with what `replace`
 * makes of it, given the original characters of the match and of its groups, and the folded match.
 */
function replaceFolded(text: string, pattern: RegExp, replace: (original: string, groups: (string | undefined)[], folded: string) => string): string {
  const folded = foldWidth(text);
  let out = '';
  let copied = 0;
  for (const match of folded.matchAll(pattern)) {
    const start = match.index;
    const end = start + match[0].length;
    const groups = (match.indices ?? []).slice(1).map((span) => (span ? text.slice(span[0], span[1]) : undefined));
    out += text.slice(copied, start) + replace(text.slice(start, end), groups, match[0]);
    copied = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Replaces the digits of `raw` with `*`, except the first `keepStart` and the last `keepEnd`
 * digits (a final X of an ID number counts as one); separators (spaces, dashes, dots, brackets)
 * stay so the number keeps its familiar shape.
 */
function maskDigits(raw: string, keepStart: number, keepEnd: number): string {
  let total = 0;
  for (const ch of raw) if (isDigit(ch)) total++;
  let seen = 0;
  let out = '';
  for (const ch of raw) {
    if (isDigit(ch)) {
      out += seen < keepStart || seen >= total - keepEnd ? ch : '*';
      seen++;
    } else {
      out += ch;
    }
  }
  return out;
}

function isDigit(ch: string): boolean {
  return (ch >= '0' && ch <= '9') || (ch >= '０' && ch <= '９') || ch === 'X' || ch === 'x' || ch === 'Ｘ' || ch === 'ｘ';
}

/** Like maskDigits, for identity cards that mix letters and digits (A123456789, A123456(7)). */
function maskAlphanumeric(raw: string, keepStart: number, keepEnd: number): string {
  const isSign = (ch: string): boolean => /[0-9A-Za-z]/.test(foldWidth(ch));
  let total = 0;
  for (const ch of raw) if (isSign(ch)) total++;
  let seen = 0;
  let out = '';
  for (const ch of raw) {
    if (isSign(ch)) {
      out += seen < keepStart || seen >= total - keepEnd ? ch : '*';
      seen++;
    } else {
      out += ch;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Resident ID numbers

/**
 * Mainland resident ID: a 6-digit area, an 8-digit birth date, a 3-digit sequence and a check digit
 * or X, typed whole or grouped 6-8-4. Each candidate is confirmed by validator's isIdentityCard, so
 * an 18-digit order number that is not an ID (no such province, no such date, a wrong check digit)
 * stays readable. (The 15-digit IDs withdrawn in 2013 have no check digit and are not looked for:
 * too many order and tracking numbers would look like them.)
 */
const MAINLAND_ID = /(?<![0-9A-Za-z])[1-9]\d{5}[ -]?(?:18|19|20)\d{2}[01]\d[0-3]\d[ -]?\d{3}[0-9Xx](?![0-9A-Za-z])/dg;

/** Taiwan (A123456789: a letter, 1 or 2, eight digits) and Hong Kong (A123456(7)) identity cards, each with its check. */
const TAIWAN_ID = /(?<![0-9A-Za-z])[A-Za-z][12]\d{8}(?![0-9A-Za-z])/dg;
const HONG_KONG_ID = /(?<![0-9A-Za-z])[A-Za-z]{1,2}\d{6}(?:\([0-9Aa]\)|[0-9Aa])(?![0-9A-Za-z])/dg;

function maskResidentIds(text: string): string {
  let result = replaceFolded(text, MAINLAND_ID, (original, _groups, folded) =>
    isIdentityCard(folded.replace(/[ -]/g, '').toUpperCase(), 'zh-CN') ? maskDigits(original, 3, 4) : original,
  );
  result = replaceFolded(result, TAIWAN_ID, (original, _groups, folded) => (isIdentityCard(folded.toUpperCase(), 'zh-TW') ? maskAlphanumeric(original, 1, 3) : original));
  return replaceFolded(result, HONG_KONG_ID, (original, _groups, folded) => (isIdentityCard(folded.toUpperCase(), 'zh-HK') ? maskAlphanumeric(original, 1, 1) : original));
}

// ---------------------------------------------------------------------------------------------
// Bank card numbers

/**
 * A run of digits with at most one space or dash between two (cards are often grouped by four).
 * A card is looked for among the run's groups: "卡号 2 6222 0212 3456 7890 128" holds one, and so
 * does "6222021234567890128 138…" (a card, then something else).
 */
const DIGIT_RUN = /(?<![0-9A-Za-z])\d(?:[ -]?\d)*(?![0-9A-Za-z])/g;
const DIGIT_GROUP = /\d+/g;
const CARD_MIN_DIGITS = 15;
const CARD_MAX_DIGITS = 19;

/**
 * Which digit runs are card numbers: an issuer's prefix with one of its lengths (the ISO/IEC 7812
 * ranges the card schemes publish), then a valid Luhn check digit. Without the prefix, one order
 * or tracking number in ten would pass the Luhn check alone.
 */
const CARD_SCHEMES: { prefix: RegExp; lengths: number[] }[] = [
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // China UnionPay: most cards issued in China
  { prefix: /^955/, lengths: [19] }, // older domestic debit cards (ICBC 9558, ABC 95599)
  { prefix: /^4/, lengths: [16] }, // Visa
  { prefix: /^(?:5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720))/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^35(?:2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^(?:60|64[4-9]|65)/, lengths: [16, 17, 18, 19] }, // Discover, and domestic 60… cards
];

/** Whether a run of ASCII digits is a bank card number: a scheme's prefix and length, and the Luhn check. */
export function isBankCardNumber(digits: string): boolean {
  return CARD_SCHEMES.some((scheme) => scheme.lengths.includes(digits.length) && scheme.prefix.test(digits)) && isLuhnNumber(digits);
}

function maskBankCards(text: string): string {
  const folded = foldWidth(text);
  let out = '';
  let copied = 0;
  for (const run of folded.matchAll(DIGIT_RUN)) {
    if (run[0].length < CARD_MIN_DIGITS) continue;
    const groups = [...run[0].matchAll(DIGIT_GROUP)].map((group) => ({ start: run.index + group.index, end: run.index + group.index + group[0].length }));
    // Every sequence of whole groups holding 15 to 19 digits, leftmost first; each group is in at most 19 of them.
    for (let first = 0; first < groups.length; first++) {
      let digits = '';
      for (let last = first; last < groups.length; last++) {
        digits += folded.slice(groups[last]!.start, groups[last]!.end);
        if (digits.length > CARD_MAX_DIGITS) break;
        if (digits.length < CARD_MIN_DIGITS || !isBankCardNumber(digits)) continue;
        const start = groups[first]!.start;
        const end = groups[last]!.end;
        out += text.slice(copied, start) + maskDigits(text.slice(start, end), 0, 4);
        copied = end;
        first = last;
        break;
      }
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

// ---------------------------------------------------------------------------------------------
// Phone numbers

/**
 * Chinese mobiles: 11 digits starting 13–19, with at most one separator (space, dash, dot) between
 * two digits (138 1234 5678, 138.1234.5678, 138-1234-5678), optionally after +86 / 0086 / 86 /
 * (+86). Digit look-arounds keep order numbers and timestamps (longer digit runs) untouched.
 */
const CHINESE_MOBILE = /(?<!\d)((?:(?:\+|00)?86[ .-]?|\(\+?86\)[ .-]?)?)(1[3-9]\d(?:[ .-]?\d){8})(?!\d|[.-]\d)/dg;

function maskChineseMobiles(text: string): string {
  return replaceFolded(text, CHINESE_MOBILE, (original, [prefix, national]) => (prefix ?? '') + maskDigits(national ?? original, 3, 4));
}

/** Chinese landlines written with their area code: 0571-88157858, (010)12345678, 021 6123 4567, 0571.8815.7858. */
const CHINESE_LANDLINE = /(?<!\d)(\(0\d{2,3}\)[ .-]?|0\d{2,3}[ .-])(\d{3,4}[ .-]?\d{4})(?!\d|[.-]\d)/dg;

function maskChineseLandlines(text: string): string {
  return replaceFolded(text, CHINESE_LANDLINE, (original, [area, local]) => (area ?? '') + maskDigits(local ?? original, 0, 4));
}

/**
 * Candidates for international numbers: a `+`, then digits with the usual separators.
 * Each candidate is confirmed by libphonenumber (a valid number for its country) before it is masked.
 */
const INTERNATIONAL_CANDIDATE = /(?<![\w+])\+ ?\(?\d[\d ().-]{5,22}\d/g;

/**
 * libphonenumber is thorough but costs tens of microseconds per candidate; past this many
 * candidates in one text (only hostile input has that many), the rest are masked unchecked.
 */
const MAX_CHECKED_INTERNATIONAL = 100;

function maskInternationalNumbers(text: string): string {
  const folded = foldWidth(text);
  if (!/\+ ?\(?\d/.test(folded)) return text;
  let checked = 0;
  let out = '';
  let copied = 0;
  for (const match of folded.matchAll(INTERNATIONAL_CANDIDATE)) {
    const start = match.index;
    const candidate = text.slice(start, start + match[0].length);
    out += text.slice(copied, start);
    copied = start + match[0].length;
    checked++;
    if (checked > MAX_CHECKED_INTERNATIONAL) {
      out += maskDigits(candidate, 0, 4);
      continue;
    }
    let last = 0;
    for (const found of findNumbers(match[0], { v2: true })) {
      out += candidate.slice(last, found.startsAt) + maskDigits(candidate.slice(found.startsAt, found.endsAt), found.number.countryCallingCode.length, 4);
      last = found.endsAt;
    }
    out += candidate.slice(last);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

// ---------------------------------------------------------------------------------------------
// E-mail addresses

const LOCAL_PART_LIMIT = 64;
const DOMAIN_LIMIT = 253;

function isLocalChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 46 || code === 95 || code === 37 || code === 43 || code === 45 // . _ % + -
  );
}

function isDomainChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 45 || code === 46;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Finds each `@` (or full-width `＠`) and grows the address outwards by hand, on the folded text: a
 * regular expression would rescan a long run of local-part characters from every start position
 * (quadratic on hostile input). `zhang.san@example.com` → `z***@example.com`; the original
 * characters are kept (`ｚｈａｎｇ＠ｑｑ．ｃｏｍ` → `ｚ***＠ｑｑ．ｃｏｍ`).
 */
function maskEmails(text: string): string {
  const folded = foldWidth(text);
  let at = folded.indexOf('@');
  if (at === -1) return text;
  let out = '';
  let copied = 0;
  while (at !== -1) {
    let start = at;
    while (start > copied && at - start < LOCAL_PART_LIMIT && isLocalChar(folded.charCodeAt(start - 1))) start--;
    while (start < at && folded.charCodeAt(start) === 46) start++; // a local part does not start with a dot
    let end = at + 1;
    while (end < folded.length && end - at <= DOMAIN_LIMIT && isDomainChar(folded.charCodeAt(end))) end++;
    while (end > at + 1 && (folded.charCodeAt(end - 1) === 46 || folded.charCodeAt(end - 1) === 45)) end--; // trailing "." ends a sentence
    const domain = folded.slice(at + 1, end);
    if (start < at && isPlausibleDomain(domain)) {
      out += text.slice(copied, start) + text[start] + '***' + text.slice(at, end);
      copied = end;
      at = folded.indexOf('@', end);
    } else {
      at = folded.indexOf('@', at + 1);
    }
  }
  return out + text.slice(copied);
}

function isPlausibleDomain(domain: string): boolean {
  const lastDot = domain.lastIndexOf('.');
  if (lastDot <= 0 || domain.length - lastDot - 1 < 2) return false;
  for (let i = lastDot + 1; i < domain.length; i++) if (!isLetter(domain.charCodeAt(i))) return false;
  return !domain.includes('..');
}

// ---------------------------------------------------------------------------------------------
// Chinese street addresses

const HAN = '\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff';
const H = `[${HAN}]`;

/**
 * Administrative levels kept in the clear (province, city, district, county): they say where a
 * parcel goes without saying who lives there. 区 after 小/社/园… is a housing estate, not a district.
 */
const ADMIN = new RegExp(
  `${H}{1,7}?(?:特别行政区|特別行政區|自治区|自治區|自治州|自治县|自治縣|省|市|(?<![小社园園校景营營厂廠军軍])[区區]|[县縣]|旗|盟)`,
  'y',
);

/** Townships and sub-districts: the first level that is masked. */
const TOWN = new RegExp(`${H}{1,6}?(?:街道|[镇鎮乡鄉])`, 'y');

/** A named road or lane: 文一西路, 建国门外大街, 忠孝東路. */
const STREET = new RegExp(`[${HAN}A-Za-z]{1,10}?(?:大道|大街|胡同|[路街道巷弄])`, 'y');

/** A numbered part: 969号, 3号楼, 2单元, 201室, 五段, A座. */
const NUMBERED = new RegExp(
  '[0-9０-９A-Za-z#\\-－一二三四五六七八九十百零〇]{1,8}(?:号楼|號樓|号院|號院|单元|單元|[号號栋棟幢座楼樓层層室房户戶段巷弄])',
  'y',
);

/** A named estate or building: 阳光小区, 国贸大厦, 幸福新村. */
const PLACE = new RegExp(
  `${H}{1,10}?(?:小区|小區|社区|社區|大厦|大廈|公寓|花园|花園|广场|廣場|家园|家園|新村|大楼|大樓|中心|[村苑园園组組院])`,
  'y',
);

/** Characters that end some address component; a component is at most 12 characters long. */
const MARKER_CHARS =
  /[省市区區县縣旗盟州镇鎮乡鄉街道路巷弄胡同号號栋棟幢座楼樓层層室房户戶段单單元厦廈寓园園场場村苑组組院心]/g;
const MAX_COMPONENT_LENGTH = 12;

/** Words that introduce an address; the mask starts after them so the sentence stays readable. */
const LEAD_INS = [
  '地址是', '地址为', '地址為', '地址', '改成', '改为', '改為', '换成', '換成', '换到', '換到', '寄到', '送到', '发到',
  '發到', '寄往', '发往', '發往', '送至', '寄至', '住在', '位于', '位於', '搬到', '收货', '收貨',
];

const enum Kind {
  None = 0,
  Numbered = 1,
  Street = 2,
  Town = 3,
  Place = 4,
}

/**
 * Masks Chinese addresses from the township or street level down, keeping the administrative
 * prefix: "浙江省杭州市余杭区文一西路969号3号楼201室" → "浙江省杭州市余杭区****".
 * To leave ordinary sentences alone ("3号发货", "一路顺风", "市区有货吗"), a run of components
 * counts as an address only with a numbered part next to another component, or after two
 * administrative levels.
 */
function maskChineseAddresses(text: string): string {
  MARKER_CHARS.lastIndex = 0;
  if (!MARKER_CHARS.test(text)) return text;

  const n = text.length;
  // Component and administrative matches per start position, computed at most once each, so
  // retrying from every position stays linear.
  const componentEnd = new Int32Array(n + 1).fill(-2);
  const componentKind = new Uint8Array(n + 1);
  const adminEnd = new Int32Array(n + 1).fill(-2);

  const matchAt = (re: RegExp, at: number): number => {
    re.lastIndex = at;
    return re.test(text) ? re.lastIndex : -1;
  };
  const admin = (at: number): number => {
    if (adminEnd[at] === -2) adminEnd[at] = matchAt(ADMIN, at);
    return adminEnd[at]!;
  };
  const component = (at: number): number => {
    if (componentEnd[at] !== -2) return componentEnd[at]!;
    // The longest reading wins ("科苑路" is a road, not the estate "科苑" followed by "路"); street
    // and place names hold no digits, so no reading swallows a numbered part after it.
    let best = -1;
    let kind = Kind.None;
    const candidates: [RegExp, Kind][] = [[NUMBERED, Kind.Numbered], [TOWN, Kind.Town], [STREET, Kind.Street], [PLACE, Kind.Place]];
    for (const [re, k] of candidates) {
      const end = matchAt(re, at);
      if (end > best) {
        best = end;
        kind = k;
      }
    }
    componentEnd[at] = best;
    componentKind[at] = kind;
    return best;
  };

  let out = '';
  let copied = 0;
  let i = 0;
  let nextMarker = -1;
  while (i < n) {
    if (nextMarker < i) {
      MARKER_CHARS.lastIndex = i;
      const m = MARKER_CHARS.exec(text);
      if (!m) break;
      nextMarker = m.index;
    }
    // No component can start further than its own length before a marker.
    if (nextMarker - i > MAX_COMPONENT_LENGTH) i = nextMarker - MAX_COMPONENT_LENGTH;

    let j = i;
    let admins = 0;
    for (let end = admin(j); end !== -1 && admins < 6; end = admin(j)) {
      j = end;
      admins++;
    }
    const detailStart = j;
    let components = 0;
    let numbered = false;
    let firstEnd = -1;
    while (components < 12) {
      const at = components > 0 && text[j] === ' ' ? j + 1 : j;
      const end = at < n ? component(at) : -1;
      if (end === -1) break;
      if (componentKind[at] === Kind.Numbered) numbered = true;
      if (firstEnd === -1) firstEnd = end;
      j = end;
      components++;
    }
    const isAddress = components > 0 && (admins >= 2 || (numbered && components >= 2));
    if (!isAddress) {
      i++;
      continue;
    }
    const maskStart = afterLeadIn(text, detailStart, firstEnd);
    out += text.slice(copied, maskStart) + ADDRESS_MASK;
    copied = j;
    i = j;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function afterLeadIn(text: string, start: number, firstComponentEnd: number): number {
  const head = text.slice(start, firstComponentEnd - 1);
  let best = start;
  for (const word of LEAD_INS) {
    const at = head.lastIndexOf(word);
    if (at !== -1) best = Math.max(best, start + at + word.length);
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// English street addresses

const STREET_SUFFIXES =
  'Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Parkway|Pkwy|Way|Terrace|Ter|' +
  'Close|Square|Sq|Highway|Hwy|Crescent|Cres|Circle|Cir|Trail|Row|Alley|Walk|Broadway';

/** Words that make "3 items on the way" a sentence rather than an address. */
const NOT_STREET_NAMES =
  'the|a|an|and|or|of|to|in|on|at|by|for|from|with|my|your|our|their|his|her|its|this|that|these|those|is|are|was|' +
  'were|be|it|i|you|we|they|me|any|all|no|not|per|each|every|more|less|than|items?|pcs|pieces?|days?|hours?|' +
  'minutes?|weeks?|months?|years?|times?|orders?|dollars?|yuan|usd|rmb|kg|cm|mm|sizes?|colou?rs?|pairs?|sets?';

const STREET_WORD = `(?!(?:${NOT_STREET_NAMES})\\b)(?:\\d{1,3}(?:st|nd|rd|th)|[A-Za-z][A-Za-z'’.\\-]{0,24})`;

/** House number + up to four name words + a street suffix, and an optional flat or suite. */
const ENGLISH_ADDRESS = new RegExp(
  `(?<![\\w\\-])\\d{1,6}[A-Za-z]?(?:-\\d{1,6})?,? {1,3}(?:${STREET_WORD} {1,3}){1,4}(?:${STREET_SUFFIXES})\\b\\.?` +
    '(?:,? {0,3}(?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|Rm|Floor|Fl|#)\\.? {0,3}#?[A-Za-z0-9\\-]{1,8})?',
  'gi',
);

function maskEnglishAddresses(text: string): string {
  if (!/\d/.test(text)) return text;
  return text.replace(ENGLISH_ADDRESS, ADDRESS_MASK);
}
