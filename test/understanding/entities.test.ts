import { describe, expect, it } from 'vitest';
import type { CountryCode } from 'libphonenumber-js';
import { extractEntities, MAX_SCANNED_LENGTH, type Entity, type QuantityEntity } from '../../dialogs/understanding/entities.ts';
import { parseChineseNumeral } from '../../dialogs/understanding/chinese-numerals.ts';

/** The one entity a message is expected to be made of, start to end. */
function only(text: string): Entity {
  const entities = extractEntities(text);
  expect(entities, JSON.stringify(entities)).toHaveLength(1);
  return entities[0]!;
}

function quantities(text: string): QuantityEntity[] {
  return extractEntities(text).filter((e): e is QuantityEntity => e.type === 'quantity');
}

describe('lengths are read in centimetres', () => {
  it.each([
    ['170cm', 170],
    ['170 cm', 170],
    ['170CM', 170],
    ['170厘米', 170],
    ['170釐米', 170],
    ['170公分', 170],
    ['1.7m', 170],
    ['1.7米', 170],
    ['1.75 meters', 175],
    ['1米7', 170],
    ['1米75', 175],
    ['1米05', 105],
    ['1米', 100],
    ['1米70公分', 170],
    ['一米七', 170],
    ['一米七五', 175],
    ['一米八', 180],
    ['一米六零', 160],
    ['一米半', 150],
    ['一点七米', 170],
    ['一百七十公分', 170],
    ['1m70', 170],
    ['1m7', 170],
    ['1.7公尺', 170],
    ['5\'8"', 172.7],
    ['5′8″', 172.7],
    ['5’8”', 172.7],
    ["5' 8''", 172.7],
    ["5'8", 172.7],
    ['5ft 8in', 172.7],
    ['5ft8in', 172.7],
    ['5 feet 8 inches', 172.7],
    ['5 foot 8', 172.7],
    ['5 ft 11 in', 180.3],
    ['68 inches', 172.7],
    ['68in', 172.7],
    ['68″', 172.7],
    ['6 ft', 182.9],
    ['6 feet', 182.9],
    ['5英尺8英寸', 172.7],
    ['5呎8吋', 172.7],
    ['五呎八吋', 172.7],
    ['6英尺', 182.9],
    ['68英寸', 172.7],
    ['68吋', 172.7],
    ['１７０ｃｍ', 170],
    ['１米７', 170],
    ['1700mm', 170],
  ])('%s = %s cm', (text, cm) => {
    expect(only(text)).toEqual({ type: 'quantity', dimension: 'length', value: cm, unit: 'cm', text, start: 0, end: text.length });
  });
});

describe('masses are read in kilograms', () => {
  it.each([
    ['60kg', 60],
    ['60 kg', 60],
    ['60KG', 60],
    ['60kgs', 60],
    ['60公斤', 60],
    ['60千克', 60],
    ['60 kilos', 60],
    ['60 kilograms', 60],
    // 斤 is the mainland catty, exactly half a kilogram.
    ['120斤', 60],
    ['121斤', 60.5],
    ['120 斤', 60],
    ['两斤半', 1.3], // 2.5 斤 = 1.25 kg, rounded to a tenth
    ['六十公斤', 60],
    ['六十千克', 60],
    ['一百二十斤', 60],
    ['一百二斤', 60],
    ['两百斤', 100],
    ['兩百斤', 100],
    // The Taiwanese catty is 600 g and is written out as 台斤.
    ['100台斤', 60],
    ['150 lb', 68],
    ['150lbs', 68],
    ['150 pounds', 68],
    ['150磅', 68],
    ['500g', 0.5],
    ['500克', 0.5],
    ['６０ｋｇ', 60],
    // 多 is "-odd": sixty-odd kilos is best read as 60.
    ['60多公斤', 60],
    ['一百多斤', 50],
    // 来, 几 and 余 say the same ("120-odd jin", "sixty-some kilos"), in both scripts.
    ['120来斤', 60],
    ['120來斤', 60],
    ['一百二十来斤', 60],
    ['六十多公斤', 60],
    ['六十几公斤', 60],
    ['六十幾公斤', 60],
    ['60余公斤', 60],
  ])('%s = %s kg', (text, kg) => {
    expect(only(text)).toEqual({ type: 'quantity', dimension: 'mass', value: kg, unit: 'kg', text, start: 0, end: text.length });
  });
});

describe('bare numbers are left for the engine to interpret', () => {
  it.each([
    ['170', 170],
    ['60', 60],
    ['1.75', 1.75],
    ['9999', 9999],
    ['１７０', 170],
  ])('%s is the bare number %s', (text, value) => {
    expect(only(text)).toEqual({ type: 'quantity', dimension: null, value, unit: null, text, start: 0, end: text.length });
  });

  it('finds two bare numbers with their offsets in "身高170体重60穿什么码"', () => {
    expect(extractEntities('身高170体重60穿什么码')).toEqual([
      { type: 'quantity', dimension: null, value: 170, unit: null, text: '170', start: 2, end: 5 },
      { type: 'quantity', dimension: null, value: 60, unit: null, text: '60', start: 7, end: 9 },
    ]);
  });

  it('reads "2件" as the number 2 and never as a length', () => {
    expect(extractEntities('我要2件')).toEqual([
      { type: 'quantity', dimension: null, value: 2, unit: null, text: '2', start: 2, end: 3 },
    ]);
  });

  it('does not take a full stop for a decimal point', () => {
    expect(quantities('I am 170.').map((q) => q.value)).toEqual([170]);
  });

  it('reads a Chinese size label 170/88A as the height 170 only', () => {
    expect(quantities('170/88A').map((q) => q.text)).toEqual(['170']);
  });
});

describe('quantities in sentences', () => {
  it('reads "我身高一米七，体重120斤" as 170 cm and 60 kg', () => {
    expect(extractEntities('我身高一米七，体重120斤')).toEqual([
      { type: 'quantity', dimension: 'length', value: 170, unit: 'cm', text: '一米七', start: 3, end: 6 },
      { type: 'quantity', dimension: 'mass', value: 60, unit: 'kg', text: '120斤', start: 9, end: 13 },
    ]);
  });

  it('reads "I\'m 5\'8" and 150 lbs, which size?" as 172.7 cm and 68 kg', () => {
    const text = 'I\'m 5\'8" and 150 lbs, which size?';
    expect(extractEntities(text)).toEqual([
      { type: 'quantity', dimension: 'length', value: 172.7, unit: 'cm', text: '5\'8"', start: 4, end: 8 },
      { type: 'quantity', dimension: 'mass', value: 68, unit: 'kg', text: '150 lbs', start: 13, end: 20 },
    ]);
  });

  it('reports the original full-width text and offsets', () => {
    expect(extractEntities('身高１７０ｃｍ，体重６０ｋｇ')).toEqual([
      { type: 'quantity', dimension: 'length', value: 170, unit: 'cm', text: '１７０ｃｍ', start: 2, end: 7 },
      { type: 'quantity', dimension: 'mass', value: 60, unit: 'kg', text: '６０ｋｇ', start: 10, end: 14 },
    ]);
  });

  it.each([
    ['身高一米八体重一百六十斤', [[180, 'cm'], [80, 'kg']]],
    ['175cm/65kg', [[175, 'cm'], [65, 'kg']]],
    ['6 ft, 180 lbs', [[182.9, 'cm'], [81.6, 'kg']]],
    ['1米7 60公斤', [[170, 'cm'], [60, 'kg']]],
    ['height 5 foot 8, weight 150 pounds', [[172.7, 'cm'], [68, 'kg']]],
  ] as const)('%s', (text, expected) => {
    expect(quantities(text).map((q) => [q.value, q.unit])).toEqual(expected);
  });

  it('reports the offsets of every entity in the original text, emoji included', () => {
    const text = '😀身高170cm😀电话13800138000';
    for (const entity of extractEntities(text)) expect(text.slice(entity.start, entity.end)).toBe(entity.text);
    expect(extractEntities(text).map((e) => e.text)).toEqual(['170cm', '13800138000']);
  });
});

describe('phone numbers', () => {
  it.each([
    ['13800138000', '+8613800138000'],
    ['138 0013 8000', '+8613800138000'],
    ['138-0013-8000', '+8613800138000'],
    ['+86 138 0013 8000', '+8613800138000'],
    ['+1 415 555 2671', '+14155552671'],
    ['１３８００１３８０００', '+8613800138000'],
    ['010-12345678', '+861012345678'],
  ])('%s is %s', (text, e164) => {
    expect(only(text)).toEqual({ type: 'phone', e164, text, start: 0, end: text.length });
  });

  it('finds a phone inside Chinese text without spaces', () => {
    expect(extractEntities('电话13800138000收件人张三')).toEqual([
      { type: 'phone', e164: '+8613800138000', text: '13800138000', start: 2, end: 13 },
    ]);
  });

  it('reads numbers without a country code in the configured country', () => {
    expect(extractEntities('call 415 555 2671', { defaultCountry: 'US' })).toEqual([
      { type: 'phone', e164: '+14155552671', text: '415 555 2671', start: 5, end: 17 },
    ]);
  });

  it('falls back to international numbers only when the configured country is unknown', () => {
    const misspelt = 'XX' as CountryCode;
    expect(extractEntities('13800138000 或 +1 415 555 2671', { defaultCountry: misspelt }).map((e) => e.type === 'phone' && e.e164))
      .toEqual(['+14155552671']);
  });

  it.each([
    // An ASCII comma is a dialling pause to libphonenumber; to a buyer it separates two things.
    ['13800138000,170cm', ['phone', 'quantity']],
    ['13800138000,13900139000', ['phone', 'phone']],
    // A number written after a spaced phone is not part of it.
    ['138 0013 8000 170cm', ['phone', 'quantity']],
    ['+86 138 0013 8000 170', ['phone', 'quantity']],
    ['身高 170 138 0013 8000', ['quantity', 'phone']],
  ])('tells a phone from the number next to it in %s', (text, types) => {
    expect(extractEntities(text).map((e) => e.type)).toEqual(types);
  });

  it('does not take the groups of a date and time for a landline', () => {
    expect(extractEntities('2026-11-23 12:30').filter((e) => e.type === 'phone')).toEqual([]);
  });

  it('never reports the digits of a phone as quantities', () => {
    expect(extractEntities('我的电话是138 0013 8000').map((e) => e.type)).toEqual(['phone']);
    expect(extractEntities('+1 415 555 2671').map((e) => e.type)).toEqual(['phone']);
  });
});

describe('order ids', () => {
  it.each([
    ['KF202611230001'],
    ['2026112300015678'],
    ['202611230001'],
    ['ABCD123456789012345678901234'], // longest default: four letters, 24 digits
  ])('%s is an order id', (text) => {
    expect(only(text)).toEqual({ type: 'order_id', value: text, text, start: 0, end: text.length });
  });

  it('finds an order id inside Chinese text', () => {
    expect(extractEntities('订单号2026112300015678怎么还没发货')).toEqual([
      { type: 'order_id', value: '2026112300015678', text: '2026112300015678', start: 3, end: 19 },
    ]);
  });

  it('gives the value in ASCII while the text stays as written', () => {
    expect(extractEntities('订单ＫＦ２０２６１１２３０００１')).toEqual([
      { type: 'order_id', value: 'KF202611230001', text: 'ＫＦ２０２６１１２３０００１', start: 2, end: 16 },
    ]);
  });

  it.each([
    ['20261123000'], // 11 digits: too short
    ['1234567890123456789012345'], // 25 digits: too long
    ['ABCDE202611230001'], // five-letter prefix
    ['kf202611230001'], // lower-case prefix
  ])('%s is not an order id by default', (text) => {
    expect(extractEntities(text).filter((e) => e.type === 'order_id')).toEqual([]);
  });

  it('reads an order id and a phone in the same message', () => {
    expect(extractEntities('订单KF202611230001，电话13800138000').map((e) => [e.type, e.text])).toEqual([
      ['order_id', 'KF202611230001'],
      ['phone', '13800138000'],
    ]);
  });

  it('uses the shop\'s own pattern instead of the default', () => {
    const orderIdPattern = /\bSO-\d{6}\b/;
    expect(extractEntities('my order SO-123456 and 2026112300015678', { orderIdPattern }).map((e) => [e.type, e.text])).toEqual([
      ['order_id', 'SO-123456'],
    ]);
  });

  it('keeps an 11-digit Chinese mobile a phone even when the shop\'s pattern admits 11 digits', () => {
    const orderIdPattern = /\d{11,20}/g;
    expect(extractEntities('13800138000', { orderIdPattern })).toEqual([
      { type: 'phone', e164: '+8613800138000', text: '13800138000', start: 0, end: 11 },
    ]);
    // An 11-digit number that is no mobile goes to the order id.
    expect(extractEntities('20261123000', { orderIdPattern }).map((e) => e.type)).toEqual(['order_id']);
  });

  it('survives a shop pattern that can match the empty string', () => {
    expect(extractEntities('订单 A1', { orderIdPattern: /[A-Z]?\d*/ }).map((e) => [e.type, e.text])).toEqual([['order_id', 'A1']]);
  });

  it('never reports the digits of an order id as quantities', () => {
    expect(extractEntities('KF202611230001 170cm').map((e) => e.type)).toEqual(['order_id', 'quantity']);
  });
});

describe('things that are not quantities', () => {
  it.each([
    ['M号'],
    ['XL'],
    ['3XL'],
    ['2XS'],
    ['XL3'],
    ['5G网络'],
    ['12345'],
    ['123456 kg'],
    ['1.2.3.4'],
    ['1e999'],
    ['一下'],
    ['十分感谢'],
    ['5 months'],
    ['2 in stock'],
    ["the 90's"],
    ['“2”'],
    ['百米'], // 百 needs a digit before it
  ])('%s has no length or mass in it', (text) => {
    expect(extractEntities(text).filter((e) => e.type === 'quantity' && e.dimension !== null)).toEqual([]);
  });

  it.each([['M号'], ['XL'], ['3XL'], ['12345'], ['1.2.3.4'], ['1e999'], ['一下'], ['十分感谢']])('%s yields nothing at all', (text) => {
    expect(extractEntities(text)).toEqual([]);
  });

  it('reads "2 in stock" as the bare number 2, not 2 inches', () => {
    expect(quantities('2 in stock').map((q) => [q.value, q.unit])).toEqual([[2, null]]);
  });
});

describe('hostile input', () => {
  it.each([
    ['', []],
    ['😀😀😀', []],
    ['1e999', []],
    ['1.2.3.4', []],
    ['--5kg', [[5, 'kg']]],
    ['9'.repeat(400), []],
    ['1 '.repeat(500), null],
    ['一'.repeat(300) + '米', []],
    ['\u0000\uFFFF\uD800', []],
  ] as const)('%j does not throw', (text, expected) => {
    const entities = extractEntities(text);
    if (expected !== null) expect(entities.map((e) => e.type === 'quantity' ? [e.value, e.unit] : e.type)).toEqual(expected);
  });

  it('returns for a 10,000-character message and still finds what is in it', () => {
    const text = '身高170cm 电话13800138000 '.repeat(500).slice(0, 10_000);
    const entities = extractEntities(text);
    expect(entities.filter((e) => e.type === 'phone').length).toBeGreaterThan(400);
    expect(entities.filter((e) => e.type === 'quantity').length).toBeGreaterThan(400);
  });

  it('returns for 10,000 characters built to make a regex backtrack', () => {
    for (const text of ['1'.repeat(10_000), '1.'.repeat(5_000), '1 '.repeat(5_000), 'A'.repeat(10_000) + '!', "5'".repeat(5_000), '一'.repeat(10_000)]) {
      expect(Array.isArray(extractEntities(text))).toBe(true);
    }
  });

  it('reads only the first MAX_SCANNED_LENGTH characters of an oversized message, without cutting a number', () => {
    const padding = 'x'.repeat(MAX_SCANNED_LENGTH - 5);
    const entities = extractEntities(`${padding} 13800138000 170cm`);
    expect(entities).toEqual([]);
  });

  it('ignores a non-string message from untyped callers', () => {
    expect(extractEntities(undefined as unknown as string)).toEqual([]);
    expect(extractEntities(42 as unknown as string)).toEqual([]);
  });
});

describe('Chinese numerals', () => {
  it.each([
    ['七', 7],
    ['十', 10],
    ['十五', 15],
    ['六十', 60],
    ['一百二十', 120],
    ['一百二', 120],
    ['一百零五', 105],
    ['两百', 200],
    ['一千五', 1500],
    ['两万五', 25000],
    ['一七零', 170],
    ['一点七', 1.7],
  ])('%s = %s', (numeral, value) => {
    expect(parseChineseNumeral(numeral)).toBe(value);
  });

  it.each([['百'], ['二三十'], ['十百'], ['一点'], ['两两'], ['']])('%s is no numeral', (numeral) => {
    expect(parseChineseNumeral(numeral)).toBeNull();
  });
});
