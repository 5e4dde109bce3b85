// The demo shop's intent taxonomy (flows/intents/*.yaml, human_agent in flows/system.yaml) and the
// recogniser trained on it, measured the way a merchant would: on phrasings it never saw
// (flows/intents-eval.csv), in Simplified and Traditional Chinese and English, with typos, and on
// messages that belong to no intent.

import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { readFileSync, readdirSync } from 'node:fs';
import { evaluateRecogniser, type Evaluation } from '../../dialogs/understanding/evaluate-recogniser.ts';
import { IntentRecogniser } from '../../dialogs/understanding/intent-recogniser.ts';
import { readLabelledExamples, type LabelledExamples } from '../../dialogs/understanding/labelled-examples.ts';
import { normaliseText } from '../../dialogs/understanding/text-features.ts';
import { toSimplified, toTraditional } from '../../dialogs/language/chinese-script.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FLOWS = path.join(ROOT, 'flows');
const HELD_OUT = path.join(FLOWS, 'intents-eval.csv');

// The names are fixed so results compare across versions (issue 3).
const TAXONOMY = [
  'greeting', 'thanks_bye', 'human_agent', 'ask_size', 'ask_stock', 'ask_product_info', 'ask_price_promo',
  'ask_shipping', 'track_order', 'change_address', 'cancel_order', 'return_refund', 'refund_status',
  'upload_return_tracking', 'payment_issue', 'invoice', 'complaint',
];

// Floors for the held-out demo set (measured: see docs/nlu.md). Below them, a change to the
// examples or the method made the demo shop worse.
const HELD_OUT_FLOORS = { accuracy: 0.85, macroF1: 0.85, oosRecall: 0.75 };

interface IntentYaml {
  examples?: { zh?: string[]; en?: string[] };
}

function taxonomyFiles(): Record<string, IntentYaml> {
  const intents: Record<string, IntentYaml> = {};
  const files = [
    ...readdirSync(path.join(FLOWS, 'intents')).map((f) => path.join(FLOWS, 'intents', f)),
    path.join(FLOWS, 'system.yaml'),
  ];
  for (const file of files) Object.assign(intents, (parseYaml(readFileSync(file, 'utf8')) as { intents?: Record<string, IntentYaml> }).intents ?? {});
  return intents;
}

const HAN = /\p{Script=Han}/u;

describe('the demo taxonomy', () => {
  const intents = taxonomyFiles();

  it.each(TAXONOMY)('%s has at least 20 Chinese and 15 English examples, all distinct', (name) => {
    const intent = intents[name];
    expect(intent, `${name} is declared`).toBeDefined();
    const zh = intent!.examples?.zh ?? [];
    const en = intent!.examples?.en ?? [];
    expect(zh.length).toBeGreaterThanOrEqual(20);
    expect(en.length).toBeGreaterThanOrEqual(15);
    for (const text of zh) expect(text, `a Chinese example of ${name}`).toMatch(HAN);
    for (const text of en) expect(text, `an English example of ${name}`).not.toMatch(HAN);
    const normalised = [...zh, ...en].map(normaliseText);
    expect(new Set(normalised).size, `${name} repeats an example`).toBe(normalised.length);
  });

  it('writes some Chinese examples in Traditional characters', () => {
    const traditional = TAXONOMY.flatMap((name) => intents[name]!.examples?.zh ?? []).filter((t) => toSimplified(t) !== t);
    expect(traditional.length).toBeGreaterThanOrEqual(TAXONOMY.length * 2);
  });
});

describe('the held-out demo set', () => {
  let train: LabelledExamples;
  let heldOut: LabelledExamples;
  let result: Evaluation;
  beforeAll(async () => {
    train = await readLabelledExamples(FLOWS);
    heldOut = await readLabelledExamples(HELD_OUT);
    // With the shipped base, as the bot learns (its out_of_scope examples as a class).
    result = evaluateRecogniser(train.examples, heldOut.examples, { keywords: train.keywords, learnOutOfScope: train.learnsOutOfScope });
  });

  it('shares no phrasing with the training examples', () => {
    const seen = new Set(train.examples.map((e) => normaliseText(e.text)));
    expect(heldOut.examples.filter((e) => seen.has(normaliseText(e.text))).map((e) => e.text)).toEqual([]);
  });

  it('covers every intent in Simplified, Traditional and English, and out-of-scope rows', () => {
    for (const name of TAXONOMY) {
      const rows = heldOut.examples.filter((e) => e.intent === name).map((e) => e.text);
      expect(rows.some((t) => HAN.test(t) && toTraditional(t) === t && toSimplified(t) !== t), `${name} in zh-Hant`).toBe(true);
      expect(rows.some((t) => HAN.test(t) && toSimplified(t) === t), `${name} in zh-Hans`).toBe(true);
      expect(rows.some((t) => !HAN.test(t)), `${name} in English`).toBe(true);
    }
    expect(heldOut.examples.filter((e) => e.intent === 'oos').length).toBeGreaterThanOrEqual(20);
  });

  it(`reaches accuracy ${HELD_OUT_FLOORS.accuracy}, macro F1 ${HELD_OUT_FLOORS.macroF1} and out-of-scope recall ${HELD_OUT_FLOORS.oosRecall}`, () => {
    expect(result.accuracy).toBeGreaterThanOrEqual(HELD_OUT_FLOORS.accuracy);
    expect(result.macroF1).toBeGreaterThanOrEqual(HELD_OUT_FLOORS.macroF1);
    expect(result.oosRecall).toBeGreaterThanOrEqual(HELD_OUT_FLOORS.oosRecall);
  });
});

describe('the demo recogniser', () => {
  let recogniser: IntentRecogniser;
  beforeAll(async () => {
    const { examples, keywords } = await readLabelledExamples(FLOWS);
    recogniser = IntentRecogniser.train(examples, { keywords });
  });

  it.each([
    ['我想退貨', '我想退货'],
    ['包裹怎麼還沒到', '包裹怎么还没到'],
    ['這件衣服會不會縮水', '这件衣服会不会缩水'],
    ['可以開發票嗎 要公司抬頭', '可以开发票吗 要公司抬头'],
    ['幫我轉人工', '帮我转人工'],
    ['運費多少錢', '运费多少钱'],
  ])('reads Traditional %s exactly as Simplified %s', (traditional, simplified) => {
    expect(recogniser.recognise(traditional)).toEqual(recogniser.recognise(simplified));
    expect(recogniser.recognise(simplified).intent).not.toBeNull();
  });

  it.each([
    ['were is my parcle', 'track_order'],
    ['i wnat to retrun this jacket', 'return_refund'],
    ['pls cancle the ordr', 'cancel_order'],
    ['invioce for my compny', 'invoice'],
    ['is the hoody in stok', 'ask_stock'],
    ['亲 几天能到货呀', 'ask_shipping'],
    ['宝贝啥时候发货', 'ask_shipping'],
    ['退款咋还没到', 'refund_status'],
    ['我要投述', 'complaint'],
  ])('tolerates typos and colloquial forms: %s → %s', (text, intent) => {
    expect(recogniser.recognise(text).intent).toBe(intent);
  });

  it.each([
    "what's the capital of france",
    'what is the weather like',
    'who won the football last night',
    'blue whales sing at night',
    '今天天氣怎麼樣',
    '123 456 789',
    '31 47 2026',
    '8888888',
    '2026 11 23 12 00',
  ])('declines %s: off-topic, sharing function words or numbers with examples', (text) => {
    expect(recogniser.recognise(text).intent).toBeNull();
  });
});
