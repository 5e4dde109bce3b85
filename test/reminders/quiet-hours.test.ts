// Quiet hours in the shop's time zone: a time inside them moves to their end, anything else stays.

import { describe, expect, it } from 'vitest';
import { afterQuietHours, parseHhMm } from '../../dialogs/reminders/quiet-hours.ts';

const night = { start: '22:00', end: '08:00' };
/** An instant given as wall-clock time in Shanghai (UTC+8, no daylight saving). */
const shanghai = (iso: string): number => Date.parse(`${iso}+08:00`);

describe('afterQuietHours', () => {
  it('leaves a time outside quiet hours alone', () => {
    for (const time of ['2026-12-01T08:00:00', '2026-12-01T12:30:00', '2026-12-01T21:59:59']) {
      expect(afterQuietHours(shanghai(time), night, 'Asia/Shanghai')).toBe(shanghai(time));
    }
  });

  it('moves a time in the evening part to the next morning', () => {
    expect(afterQuietHours(shanghai('2026-12-01T22:00:00'), night, 'Asia/Shanghai')).toBe(shanghai('2026-12-02T08:00:00'));
    expect(afterQuietHours(shanghai('2026-12-31T23:59:00'), night, 'Asia/Shanghai')).toBe(shanghai('2027-01-01T08:00:00'));
  });

  it('moves a time after midnight to the same morning', () => {
    expect(afterQuietHours(shanghai('2026-12-02T03:15:00'), night, 'Asia/Shanghai')).toBe(shanghai('2026-12-02T08:00:00'));
    expect(afterQuietHours(shanghai('2026-12-02T07:59:59'), night, 'Asia/Shanghai')).toBe(shanghai('2026-12-02T08:00:00'));
  });

  it('reads the hours in the shop’s zone, not the server’s or UTC', () => {
    // 15:00 UTC is 23:00 in Shanghai (quiet) but 15:00 in London (not quiet).
    const at = Date.parse('2026-12-01T15:00:00Z');
    expect(afterQuietHours(at, night, 'Asia/Shanghai')).toBe(Date.parse('2026-12-02T00:00:00Z'));
    expect(afterQuietHours(at, night, 'Europe/London')).toBe(at);
  });

  it('handles quiet hours within one day (a lunch break)', () => {
    const lunch = { start: '12:00', end: '13:30' };
    expect(afterQuietHours(shanghai('2026-12-01T12:10:00'), lunch, 'Asia/Shanghai')).toBe(shanghai('2026-12-01T13:30:00'));
    expect(afterQuietHours(shanghai('2026-12-01T13:30:00'), lunch, 'Asia/Shanghai')).toBe(shanghai('2026-12-01T13:30:00'));
    expect(afterQuietHours(shanghai('2026-12-01T23:00:00'), lunch, 'Asia/Shanghai')).toBe(shanghai('2026-12-01T23:00:00'));
  });

  it('keeps to local time across a daylight-saving change', () => {
    // New York springs forward on 2026-03-08 at 02:00: 08:00 that morning is 12:00 UTC, not 13:00.
    const evening = Date.parse('2026-03-08T03:30:00Z'); // 22:30 EST on March 7
    expect(afterQuietHours(evening, night, 'America/New_York')).toBe(Date.parse('2026-03-08T12:00:00Z'));
    // An end time the clocks skip (02:30 on that day) moves forward with them.
    const skipped = { start: '01:00', end: '02:30' };
    expect(afterQuietHours(Date.parse('2026-03-08T06:30:00Z'), skipped, 'America/New_York')).toBe(Date.parse('2026-03-08T07:30:00Z'));
  });

  it('has no quiet time when there are no quiet hours or start equals end', () => {
    const at = shanghai('2026-12-01T23:00:00');
    expect(afterQuietHours(at, null, 'Asia/Shanghai')).toBe(at);
    expect(afterQuietHours(at, { start: '22:00', end: '22:00' }, 'Asia/Shanghai')).toBe(at);
  });

  it('refuses malformed times and unknown zones', () => {
    expect(() => parseHhMm('24:00')).toThrow(RangeError);
    expect(() => parseHhMm('8:00')).toThrow(RangeError);
    expect(() => afterQuietHours(0, { start: '22:00', end: '7' }, 'Asia/Shanghai')).toThrow(RangeError);
    expect(() => afterQuietHours(0, night, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
