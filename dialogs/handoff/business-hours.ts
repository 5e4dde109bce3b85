// Is a person at the desk now? Business hours are in the shop's time zone, whatever the server's.
// Outside them a hand-off still opens (the message is kept for the morning) but the buyer is
// told the hours instead of "someone will be with you shortly".

import type { BusinessHoursWording } from '../flows/vocabulary.ts';
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

const LIST: Record<Language, string> = { 'zh-Hans': '、', 'zh-Hant': '、', en: ', ' };

/**
 * The hours as a buyer reads them, e.g. "Mon–Fri 09:00–18:00" or "周一至周五 09:00–18:00", with the
 * day names of the flows' `vocabulary.business_hours`.
 */
export function describeHours(hours: BusinessHours, language: Language, wording: BusinessHoursWording): string {
  const sorted = WEEKDAYS.filter((d) => hours.days.includes(d));
  const name = (day: Weekday): string => wording.days[day][language];
  let days: string;
  if (sorted.length === 7) days = wording.every_day[language];
  else {
    // Consecutive days read as a range: mon, tue, wed → Mon–Wed.
    const runs: Weekday[][] = [];
    for (const d of sorted) {
      const last = runs.at(-1);
      if (last && WEEKDAYS.indexOf(d) === WEEKDAYS.indexOf(last.at(-1)!) + 1) last.push(d);
      else runs.push([d]);
    }
    days = runs.map((r) => (r.length > 2 ? `${name(r[0]!)}${wording.through[language]}${name(r.at(-1)!)}` : r.map(name).join(LIST[language]))).join(LIST[language]);
  }
  return `${days} ${hours.opens}–${hours.closes}`;
}
