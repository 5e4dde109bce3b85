// Small pieces of wording that actions build from the shop's data, in the three languages the bot
// answers in: lists, dates, prices, stock bands. Whole sentences stay in the flows' responses.

import type { Language } from '../messages.ts';
import type { LocalText } from '../messages.ts';

export function joinList(items: readonly string[], language: Language): string {
  if (language !== 'en') return items.join('、');
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** An alternative list: "蓝色或白色" / "blue or white". */
export function joinAlternatives(items: readonly string[], language: Language): string {
  if (language !== 'en') return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join('、')}或${items.at(-1)}`;
  if (items.length <= 2) return items.join(' or ');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "12月20日" / "20 December" (with the year when it is not this year's). */
export function formatDate(isoDate: string, language: Language, now: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const thisYear = new Date(now).getUTCFullYear() === year;
  if (language === 'en') return `${day} ${MONTHS[month - 1]}${thisYear ? '' : ` ${year}`}`;
  return `${thisYear ? '' : `${year}年`}${month}月${day}日`;
}

const CURRENCY_SIGNS: Record<string, string> = { CNY: '¥', HKD: 'HK$', TWD: 'NT$', USD: 'US$', EUR: '€', GBP: '£' };

export function formatMoney(amount: number, currency: string): string {
  const sign = CURRENCY_SIGNS[currency];
  const number = Number.isInteger(amount) ? String(amount) : amount.toFixed(2).replace(/0$/, '');
  return sign ? `${sign}${number}` : `${number} ${currency}`;
}

/** Buyers see a band, never the count: it leaks nothing to competitors and stays true a while longer. */
export function stockBand(stock: number, language: Language): string {
  const bands: [number, LocalText][] = [
    [20, { 'zh-Hans': '现货充足', 'zh-Hant': '現貨充足', en: 'plenty in stock' }],
    [5, { 'zh-Hans': '有货,库存不多了', 'zh-Hant': '有貨,庫存不多了', en: 'in stock, but not many left' }],
    [1, { 'zh-Hans': '仅剩最后几件', 'zh-Hant': '僅剩最後幾件', en: 'only a few left' }],
  ];
  for (const [least, text] of bands) if (stock >= least) return text[language];
  return { 'zh-Hans': '已售罄', 'zh-Hant': '已售罄', en: 'sold out' }[language];
}
