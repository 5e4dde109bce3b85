// Quiet hours: nobody wants a payment reminder at 3 a.m. A time inside the shop's quiet hours (in
// the shop's time zone, e.g. 22:00–08:00 Asia/Shanghai) moves to the moment they end. Luxon does
// the time-zone arithmetic, daylight-saving changes included (an end time that does not exist on a
// spring-forward day moves forward with the clocks).

import { DateTime } from 'luxon';

export interface QuietHours {
  /** "HH:MM", 24-hour clock, in the shop's time zone: when quiet hours begin. */
  start: string;
  /** "HH:MM": when they end (earlier than start means they run past midnight). */
  end: string;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function parseHhMm(text: string): { hour: number; minute: number } {
  const match = HH_MM.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a time of day as HH:MM (00:00 to 23:59)`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** The first moment at or after `at` (ms since the epoch) that is outside quiet hours. */
export function afterQuietHours(at: number, quiet: QuietHours | null, timeZone: string): number {
  if (!quiet) return at;
  const start = parseHhMm(quiet.start);
  const end = parseHhMm(quiet.end);
  const startMinute = start.hour * 60 + start.minute;
  const endMinute = end.hour * 60 + end.minute;
  if (startMinute === endMinute) return at; // no quiet time at all
  const local = DateTime.fromMillis(at, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`unknown time zone "${timeZone}"`);
  const minute = local.hour * 60 + local.minute;
  const endOn = (days: number): number =>
    local.startOf('day').plus({ days }).set({ hour: end.hour, minute: end.minute, second: 0, millisecond: 0 }).toMillis();
  if (startMinute < endMinute) {
    // e.g. 12:00–14:00, within one day
    return minute >= startMinute && minute < endMinute ? endOn(0) : at;
  }
  // e.g. 22:00–08:00, past midnight
  if (minute >= startMinute) return endOn(1);
  if (minute < endMinute) return endOn(0);
  return at;
}
