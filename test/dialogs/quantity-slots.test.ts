import { describe, expect, it } from 'vitest';
import type { SlotDefinition } from '../../dialogs/flows/flow-types.ts';
import type { Language } from '../../dialogs/messages.ts';
import { bareWeightInKilograms, plausibleHeight, plausibleWeight } from '../../dialogs/engine/body-measurements.ts';
import { readQuantitySlots } from '../../dialogs/engine/quantity-slots.ts';
import { extractEntities } from '../../dialogs/understanding/entities.ts';

// The demo's size flow: chest and waist are plain numbers with hints, height and weight a person's.
const SIZE_SLOTS: Record<string, SlotDefinition> = {
  chest: { type: 'number', ask: 'ask', hints: ['胸围', '胸圍', 'chest', 'bust'] },
  waist: { type: 'number', ask: 'ask', hints: ['腰围', '腰圍', 'waist'] },
  height: { type: 'length', ask: 'ask', hints: ['身高', '个子', '高', 'height', 'tall'] },
  weight: { type: 'weight', ask: 'ask', hints: ['体重', '重', '斤', '公斤', 'weight', 'weigh'] },
};

function read(text: string, options: { asked?: string; filled?: Record<string, unknown>; language?: Language; slots?: Record<string, SlotDefinition> } = {}) {
  const values = readQuantitySlots(
    options.slots ?? SIZE_SLOTS,
    { text, entities: extractEntities(text), language: options.language ?? 'zh-Hans' },
    options.asked ?? null,
    options.filled ?? {},
  );
  return Object.fromEntries(values);
}

describe('a height and a weight in one message, in any order, with or without hints', () => {
  it.each([
    ['我175 140斤 穿多大码', 175, 70],
    ['身高170cm,体重大概120来斤', 170, 60],
    ['我168 体重50 T恤什么码', 168, 50],
    ['170 60 穿啥码', 170, 60],
    ['168/50 穿什么码', 168, 50],
    ['60 170', 170, 60],
    ['體重60 身高170', 170, 60],
    ['身高是一米七五,六十多公斤', 175, 60],
    ['1.75 70', 175, 70],
    ['170，60', 170, 60],
    // As buyers type them: metres in words, Traditional, run together, with other needs in the line.
    ['一米六五 120来斤 穿几码', 165, 60],
    ['亲 1米75 六十多公斤 卫衣L码有货吗', 175, 60],
    ['5ft8in 150lbs', 172.7, 68],
    ['150 lbs and 5 foot 8 wat size', 172.7, 68],
    ['我一米六五 一百斤左右 褲子哪個碼', 165, 50],
  ])('%s → %s cm, %s kg', (text, height, weight) => {
    expect(read(text)).toEqual({ height, weight });
  });

  it.each([
    ['height 170 weight 60, what size should I get?', 170, 60],
    ['weight: 60, height: 170', 170, 60],
    ['5 foot 8 150 lbs', 172.7, 68],
    ["I'm 170 cm tall and weigh about 65", 170, 65],
    ['heightt 180, weight 80', 180, 80],
  ])('%s → %s cm, %s kg (en)', (text, height, weight) => {
    expect(read(text, { language: 'en' })).toEqual({ height, weight });
  });

  it('binds a hint to the number it stands before, not to every number within six characters', () => {
    // The old window read "weigh" after 170 as the weight's hint.
    expect(read('height 170 weight 60', { language: 'en' })).toEqual({ height: 170, weight: 60 });
    // And 斤 after 140 as a hint for 175.
    expect(read('我175 140斤')).toEqual({ height: 175, weight: 70 });
  });

  it('gives hinted numbers to chest and waist, and only the rest to height and weight', () => {
    expect(read('胸围96 身高175 70公斤')).toEqual({ chest: 96, height: 175, weight: 70 });
    expect(read('腰围80 175 70')).toEqual({ waist: 80, height: 175, weight: 70 });
  });
});

describe('what is not a height or a weight', () => {
  it.each([
    ['买2件多少钱'],
    ['¥199 包邮吗'],
    ['我25岁'],
    ['38码有吗'],
    ['订单号后四位1234'],
  ])('%s fills nothing unasked', (text) => {
    expect(read(text)).toEqual({});
  });

  it('does not guess with one bare number that is neither', () => {
    expect(read('3 件')).toEqual({});
    expect(read('我60')).toEqual({ weight: 60 });
    expect(read('我170')).toEqual({ height: 170 });
  });
});

describe('the question just asked', () => {
  it('takes a bare number for the asked slot, in its likely unit', () => {
    expect(read('170', { asked: 'height' })).toEqual({ height: 170 });
    expect(read('1.68', { asked: 'height' })).toEqual({ height: 168 });
    expect(read('120', { asked: 'weight', filled: { height: 170 } })).toEqual({ weight: 60 });
    expect(read('85', { asked: 'weight', filled: { height: 180 } })).toEqual({ weight: 85 });
    expect(read('150', { asked: 'weight', filled: { height: 175 }, language: 'en' })).toEqual({ weight: 68 });
  });

  it('takes the two numbers of "170 60" for both when the height was asked', () => {
    expect(read('172 65', { asked: 'height' })).toEqual({ height: 172, weight: 65 });
  });

  it('refuses a number with a clashing unit for the asked slot, and gives it to its own', () => {
    expect(read('60kg', { asked: 'height' })).toEqual({ weight: 60 });
  });

  it('takes a bare number for a plain number slot only when asked or hinted', () => {
    const slots: Record<string, SlotDefinition> = { items: { type: 'number', ask: 'ask', hints: ['件', 'items'] } };
    expect(read('3', { asked: 'items', slots })).toEqual({ items: 3 });
    expect(read('包3件', { slots })).toEqual({ items: 3 });
    expect(read('3', { slots })).toEqual({});
  });
});

describe('bare weights: 斤 or lb against kg by plausibility', () => {
  it.each([
    // value, language, height, kg
    [60, 'zh-Hans', undefined, 60],
    [85, 'zh-Hans', undefined, 85],
    [120, 'zh-Hans', undefined, 60],
    [140, 'zh-Hans', 175, 70],
    [170, 'zh-Hans', 175, 85],
    [95, 'zh-Hans', 185, 95],
    [100, 'zh-Hans', 190, 100],
    [96, 'zh-Hans', 158, 48],
    [150, 'en', undefined, 68],
    [150, 'en', 172.7, 68],
    [95, 'en', 185, 95],
  ] as const)('%s (%s, height %s) = %s kg', (value, language, height, kg) => {
    expect(bareWeightInKilograms(value, language, height)).toBe(kg);
  });

  it('judges a height and weight together', () => {
    expect(plausibleHeight(170)).toBe(true);
    expect(plausibleHeight(60)).toBe(false);
    expect(plausibleWeight(60, 170)).toBe(true);
    expect(plausibleWeight(170, 170)).toBe(false);
    expect(plausibleWeight(20)).toBe(false);
  });
});
