// Masks buyers' personal data (phone numbers, e-mail addresses, street addresses) in free text,
// so logs and hand-off summaries can be kept and shared without exposing who the buyer is.
//
// Every pass is linear in the length of the text: no regular expression here has nested,
// overlapping quantifiers, and the two passes that need judgement (e-mail addresses, Chinese
// street addresses) are hand-written scanners with bounded look-ahead. A hostile 100 KB line
// therefore costs milliseconds, not minutes.

import { findNumbers } from 'libphonenumber-js';

/** What replaces a street address (its length would tell too much). */
const ADDRESS_MASK = '****';

/**
 * Returns `text` with phone numbers, e-mail addresses and street addresses masked:
 * `13800138000` → `138****8000`, `zhang@example.com` → `z***@example.com`,
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
// Phone numbers

/**
 * Replaces the digits of `raw` with `*`, except the first `keepStart` and the last `keepEnd`
 * digits; separators (spaces, dashes, brackets) stay so the number keeps its familiar shape.
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
  return (ch >= '0' && ch <= '9') || (ch >= '０' && ch <= '９');
}

// Buyers type full-width digits from Chinese input methods as often as ASCII ones.
const D = '[0-9０-９]';

/**
 * Chinese mobiles: 11 digits starting 13–19, optionally grouped 3-4-4 with spaces or dashes,
 * optionally after +86 / 0086 / 86. Digit look-arounds keep order numbers and timestamps
 * (longer digit runs) untouched.
 */
const CHINESE_MOBILE = new RegExp(
  `(?<![0-9０-９])((?:(?:\\+|＋|00)?(?:86|８６)[ \\-]?|\\((?:\\+|＋)?86\\) ?)?)` +
    `([1１][3-9３-９]${D}[ \\-]?${D}{4}[ \\-]?${D}{4})(?![0-9０-９])`,
  'g',
);

function maskChineseMobiles(text: string): string {
  if (!/[1１][3-9３-９]/.test(text)) return text;
  return text.replace(CHINESE_MOBILE, (_match, prefix: string, national: string) => prefix + maskDigits(national, 3, 4));
}

/** Chinese landlines written with their area code: 0571-88157858, (010)12345678, 021 6123 4567. */
const CHINESE_LANDLINE = new RegExp(
  `(?<![0-9０-９])(\\(0${D}{2,3}\\) ?|0${D}{2,3}[ \\-])(${D}{3,4}[ \\-]?${D}{4})(?![0-9０-９])`,
  'g',
);

function maskChineseLandlines(text: string): string {
  if (!/0/.test(text)) return text;
  return text.replace(CHINESE_LANDLINE, (_match, area: string, local: string) => area + maskDigits(local, 0, 4));
}

/**
 * Candidates for international numbers: a `+`, then digits with the usual separators.
 * Each candidate is confirmed by libphonenumber (a valid number for its country) before it is masked.
 */
const INTERNATIONAL_CANDIDATE = /(?<![\w+])[+＋] ?\(?\d[\d ().\-]{5,22}\d/g;

/**
 * libphonenumber is thorough but costs tens of microseconds per candidate; past this many
 * candidates in one text (only hostile input has that many), the rest are masked unchecked.
 */
const MAX_CHECKED_INTERNATIONAL = 100;

function maskInternationalNumbers(text: string): string {
  if (!/[+＋] ?\(?\d/.test(text)) return text;
  let checked = 0;
  return text.replace(INTERNATIONAL_CANDIDATE, (candidate) => {
    checked++;
    if (checked > MAX_CHECKED_INTERNATIONAL) return maskDigits(candidate, 0, 4);
    const normalised = candidate.replace('＋', '+');
    const found = findNumbers(normalised, { v2: true });
    if (found.length === 0) return candidate;
    let out = '';
    let last = 0;
    for (const match of found) {
      out += candidate.slice(last, match.startsAt);
      out += maskDigits(candidate.slice(match.startsAt, match.endsAt), match.number.countryCallingCode.length, 4);
      last = match.endsAt;
    }
    return out + candidate.slice(last);
  });
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
 * Finds each `@` and grows the address outwards by hand: a regular expression would rescan a
 * long run of local-part characters from every start position (quadratic on hostile input).
 * `zhang.san@example.com` → `z***@example.com`.
 */
function maskEmails(text: string): string {
  let at = text.indexOf('@');
  if (at === -1) return text;
  let out = '';
  let copied = 0;
  while (at !== -1) {
    let start = at;
    while (start > copied && at - start < LOCAL_PART_LIMIT && isLocalChar(text.charCodeAt(start - 1))) start--;
    while (start < at && text.charCodeAt(start) === 46) start++; // a local part does not start with a dot
    let end = at + 1;
    while (end < text.length && end - at <= DOMAIN_LIMIT && isDomainChar(text.charCodeAt(end))) end++;
    while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--; // trailing "." ends a sentence
    const domain = text.slice(at + 1, end);
    if (start < at && isPlausibleDomain(domain)) {
      out += text.slice(copied, start) + text[start] + '***@' + domain;
      copied = end;
      at = text.indexOf('@', end);
    } else {
      at = text.indexOf('@', at + 1);
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
  `[0-9０-９A-Za-z#\\-－一二三四五六七八九十百零〇]{1,8}(?:号楼|號樓|号院|號院|单元|單元|[号號栋棟幢座楼樓层層室房户戶段巷弄])`,
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
    `(?:,? {0,3}(?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|Rm|Floor|Fl|#)\\.? {0,3}#?[A-Za-z0-9\\-]{1,8})?`,
  'gi',
);

function maskEnglishAddresses(text: string): string {
  if (!/\d/.test(text)) return text;
  return text.replace(ENGLISH_ADDRESS, ADDRESS_MASK);
}
