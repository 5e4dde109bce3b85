// Is a person at the desk now? Business hours are in the shop's time zone, whatever the server's.
// Outside them a hand-off still opens (the message is kept for the morning) but the buyer is
// told the hours instead of "someone will be with you shortly".

import type { Language } from '../messages.ts';
import { WEEKDAYS, type BusinessHours, type Weekday } from './handoff-settings.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, f);
  }
  return f;
}

/** The weekday and "HH:MM" at `at` in the time zone. */
export function localTime(at: number, timezone: string): { day: Weekday; time: string } {
  const parts = Object.fromEntries(formatter(timezone).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const day = String(parts.weekday).toLowerCase().slice(0, 3) as Weekday;
  return { day, time: `${parts.hour}:${parts.minute}` };
}

export function isOpen(hours: BusinessHours | null, at: number, timezone: string): boolean {
  if (!hours) return true;
  const { day, time } = localTime(at, timezone);
  return hours.days.includes(day) && time >= hours.opens && time < hours.closes;
}

const DAY_NAMES: Record<Language, Record<Weekday, string>> = {
  'zh-Hans': { mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六', sun: '周日' },
  'zh-Hant': { mon: '週一', tue: '週二', wed: '週三', thu: '週四', fri: '週五', sat: '週六', sun: '週日' },
  en: { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' },
};
const RANGE: Record<Language, string> = { 'zh-Hans': '至', 'zh-Hant': '至', en: '–' };
const LIST: Record<Language, string> = { 'zh-Hans': '、', 'zh-Hant': '、', en: ', ' };
const EVERY_DAY: Record<Language, string> = { 'zh-Hans': '每天', 'zh-Hant': '每天', en: 'Every day' };

/** The hours as a buyer reads them, e.g. "Mon–Fri 09:00–18:00" or "周一至周五 09:00–18:00". */
export function describeHours(hours: BusinessHours, language: Language): string {
  const sorted = WEEKDAYS.filter((d) => hours.days.includes(d));
  const names = DAY_NAMES[language];
  let days: string;
  if (sorted.length === 7) days = EVERY_DAY[language];
  else {
    // Consecutive days read as a range: mon, tue, wed → Mon–Wed.
    const runs: Weekday[][] = [];
    for (const d of sorted) {
      const last = runs.at(-1);
      if (last && WEEKDAYS.indexOf(d) === WEEKDAYS.indexOf(last.at(-1)!) + 1) last.push(d);
      else runs.push([d]);
    }
    days = runs.map((r) => (r.length > 2 ? `${names[r[0]!]}${RANGE[language]}${names[r.at(-1)!]}` : r.map((d) => names[d]).join(LIST[language]))).join(LIST[language]);
  }
  return `${days} ${hours.opens}–${hours.closes}`;
}
