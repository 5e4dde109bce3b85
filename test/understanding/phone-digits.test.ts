// extractEntities skips libphonenumber for text with fewer digits than any phone number could have
// (6 with a country code; per country, its shortest national number: 7 in mainland China, 4 in
// Saint Helena), which is most messages. That is safe only if libphonenumber never finds a phone in
// such text: this checks it on the short numbers buyers write, in the shapes a phone is written.

import { findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { extractEntities, minimumPhoneDigits } from '../../dialogs/understanding/entities.ts';

const COUNTRIES: (CountryCode | undefined)[] = ['CN', 'HK', 'TW', 'US', 'GB', 'NU', 'SH', undefined];

function shortNumberTexts(): string[] {
  const texts: string[] = ['110', '120', '12315', '95588', '10086', '400 800', '身高170体重60', '订单 123456', '+683 400', '+290 2222'];
  for (let n = 1; n <= 6; n++) {
    const digits = '987654'.slice(0, n);
    for (const prefix of ['', '+', '+86 ', '+683', '+683 ', '00', '(0']) {
      for (const separator of ['', ' ', '-', '.']) {
        const number = prefix + digits.split('').join(separator);
        texts.push(number, `call me on ${number}`, `电话${number}`, `${number}，谢谢`);
      }
    }
  }
  return texts;
}

describe('phone numbers and short digit runs', () => {
  it('knows the shortest phone numbers from libphonenumber metadata', () => {
    expect(minimumPhoneDigits('CN')).toBe(6);
    expect(minimumPhoneDigits(undefined)).toBe(6);
    expect(minimumPhoneDigits('SH')).toBe(4);
    expect(minimumPhoneDigits('HK')).toBe(5);
    expect(minimumPhoneDigits('ZZ' as CountryCode)).toBe(6);
  });

  it('libphonenumber finds no phone in text with fewer digits than that', () => {
    for (const text of shortNumberTexts()) {
      const digits = text.match(/\p{Nd}/gu)?.length ?? 0;
      for (const country of COUNTRIES) {
        if (digits >= minimumPhoneDigits(country)) continue;
        const found = findPhoneNumbersInText(text.replace(/[,;]/g, '、'), country ? { defaultCountry: country } : {});
        expect(found.map((f) => f.number.number), `${text} (${country ?? 'no country'})`).toEqual([]);
      }
    }
  });

  it('still finds short phones: a Saint Helena landline, a Niue number, a mainland mobile', () => {
    const saintHelena = extractEntities('call 22222', { defaultCountry: 'SH' });
    expect(saintHelena.filter((e) => e.type === 'phone').map((e) => (e as { e164: string }).e164)).toEqual(['+29022222']);
    const niue = extractEntities('my number is +683 4002', { defaultCountry: 'NU' });
    expect(niue.filter((e) => e.type === 'phone').map((e) => (e as { e164: string }).e164)).toEqual(['+6834002']);
    expect(extractEntities('电话13800138000').find((e) => e.type === 'phone')).toMatchObject({ e164: '+8613800138000' });
  });

  it('reads a short number as a quantity, never as a phone', () => {
    const entities = extractEntities('身高170 体重60');
    expect(entities.some((e) => e.type === 'phone')).toBe(false);
    expect(entities.length).toBeGreaterThan(0);
  });
});
