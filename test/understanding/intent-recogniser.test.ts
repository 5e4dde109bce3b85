import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLD,
  IntentRecogniser,
  THRESHOLD_WITH_OUT_OF_SCOPE,
  KEYWORD_CONFIDENCE,
  type Recognition,
  type TrainingExample,
} from '../../dialogs/understanding/intent-recogniser.ts';
import { extractFeatures, normaliseText } from '../../dialogs/understanding/text-features.ts';

// A small shop's intents, as a merchant would write them in YAML: Chinese and English phrasings.
const SHOP_INTENTS: Record<string, string[]> = {
  greeting: [
    '你好', '您好，在吗', '在吗？', '哈喽', '嗨，有人吗', '早上好', '亲，在不在', '掌柜的在吗',
    'hello', 'hi there', 'hey', 'good morning', 'anyone here?', 'hi, is anybody around',
  ],
  ask_size: [
    '我该穿什么尺码', '身高170体重60穿多大码', '这件衣服尺码偏大还是偏小', '帮我推荐一下尺码',
    'M码适合多重的人', '鞋子是标准码吗', '尺码表在哪里看', '我平时穿L码，这款选哪个',
    'what size should i get', 'does this run small or large', 'which size fits me',
    'i am 180cm and 75kg, what size', 'is there a size chart', 'how do the sizes fit',
  ],
  ask_stock: [
    '这个还有货吗', '黑色的有现货吗', '什么时候补货', '这款卖完了吗', '还有库存吗', 'L码还有吗',
    '红色缺货了吗', '有没有现货，今天能发吗',
    'is this in stock', 'do you have it in black', 'when will it be back in stock',
    'is the medium sold out', 'any stock left', 'is this item available',
  ],
  human_agent: [
    '转人工', '我要找人工客服', '叫个真人来', '我不想跟机器人说话', '人工服务', '帮我接通客服',
    '找你们的客服人员', '有没有真人',
    'human please', 'i want to talk to a person', 'connect me to an agent', 'can i speak to a real human',
    'stop the bot, get me a person', 'customer service representative',
  ],
  cancel: [
    '算了', '不用了', '取消吧', '不要了，谢谢', '先不买了', '这个问题不问了', '没事了', '算了吧不需要了',
    'never mind', 'forget it', 'cancel that', 'no thanks, stop', 'i changed my mind', 'not needed anymore',
  ],
  thanks_bye: [
    '谢谢', '好的谢谢你', '再见', '多谢，拜拜', '辛苦了', '感谢帮助', '好的，知道了，谢谢', '拜拜啦',
    'thanks', 'thank you so much', 'bye', 'goodbye, thanks for the help', 'cheers', 'thanks, see you',
  ],
};

const SHOP_KEYWORDS = {
  human_agent: ['转人工', '人工客服', 'human please'],
  cancel: ['算了', 'never mind'],
};

const examples: TrainingExample[] = Object.entries(SHOP_INTENTS).flatMap(([intent, texts]) =>
  texts.map((text) => ({ text, intent })),
);
const shop = IntentRecogniser.train(examples, { keywords: SHOP_KEYWORDS });

function expectWellFormed(result: Recognition): void {
  expect(result.ranking.length).toBeLessThanOrEqual(5);
  for (const score of result.ranking) {
    expect(score.confidence).toBeGreaterThanOrEqual(0);
    expect(score.confidence).toBeLessThanOrEqual(1);
  }
  for (let i = 1; i < result.ranking.length; i++) {
    expect(result.ranking[i]!.confidence).toBeLessThanOrEqual(result.ranking[i - 1]!.confidence);
  }
  if (result.ranking.length > 0) expect(result.confidence).toBe(result.ranking[0]!.confidence);
}

describe('normalisation and features', () => {
  it('folds full-width forms, case, Traditional characters, punctuation and emoji', () => {
    expect(normaliseText('ＨＥＬＬＯ，請問還有貨嗎？😀')).toBe('hello 请问还有货吗');
    expect(normaliseText("What's my SIZE?!")).toBe('whats my size');
  });

  it('leaves links out: they name a page, not what the buyer wants', () => {
    expect(normaliseText('https://item.example.com/31240957.html 有货吗')).toBe('有货吗');
    expect(normaliseText('www.shop.example/p?id=5, how much?')).toBe('how much');
  });

  it('treats every number alike, so body measurements do not matter', () => {
    expect(normaliseText('身高170体重60')).toBe('身高#体重#');
    expect(extractFeatures(normaliseText('身高170体重60'))).toEqual(extractFeatures(normaliseText('身高180体重70')));
  });

  it('knows the intents it was trained on, sorted', () => {
    expect(shop.intents).toEqual(['ask_size', 'ask_stock', 'cancel', 'greeting', 'human_agent', 'thanks_bye']);
  });
});

describe('recognising phrasings the model never saw', () => {
  it.each([
    ['您好呀', 'greeting'],
    ['我一米六五，五十公斤，穿什么码', 'ask_size'],
    ['身高180体重70选几码', 'ask_size'],
    ['白色还有货吗', 'ask_stock'],
    ['我要人工', 'human_agent'],
    ['不买了', 'cancel'],
    ['谢谢啦', 'thanks_bye'],
  ])('Simplified Chinese: %s → %s', (text, intent) => {
    const result = shop.recognise(text);
    expect(result.intent).toBe(intent);
    expect(result.confidence).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });

  it.each([
    ['哈囉，請問有人在嗎', 'greeting'],
    ['這件尺碼偏小嗎', 'ask_size'],
    ['這款還有庫存嗎', 'ask_stock'],
    ['請幫我轉接真人客服', 'human_agent'],
    ['謝謝你，再見', 'thanks_bye'],
  ])('Traditional Chinese: %s → %s', (text, intent) => {
    expect(shop.recognise(text).intent).toBe(intent);
  });

  it.each([
    ['hi, good afternoon', 'greeting'],
    ['what size would fit a 170cm person', 'ask_size'],
    ['does the jacket run large', 'ask_size'],
    ['is the blue one in stock', 'ask_stock'],
    ['when do you restock', 'ask_stock'],
    ['let me talk to a real person', 'human_agent'],
    ['forget about it', 'cancel'],
    ['thanks a lot, bye', 'thanks_bye'],
  ])('English: %s → %s', (text, intent) => {
    expect(shop.recognise(text).intent).toBe(intent);
  });

  it.each([
    ['is this in stok', 'ask_stock'],
    ['wat size shuld i buy', 'ask_size'],
    ['conect me to an agnet', 'human_agent'],
    ['thnks, bye', 'thanks_bye'],
  ])('English with typos: %s → %s', (text, intent) => {
    expect(shop.recognise(text).intent).toBe(intent);
  });

  it('reads full-width and mixed-case input like any other', () => {
    expect(shop.recognise('ＩＳ ＴＨＩＳ ＩＮ ＳＴＯＣＫ？').intent).toBe('ask_stock');
  });
});

describe('keywords', () => {
  it.each([
    ['转人工', 'human_agent'],
    ['轉人工', 'human_agent'],
    ['Human please!', 'human_agent'],
    ['你们这个尺码表看不懂，转人工', 'human_agent'],
    ['算了', 'cancel'],
    ['算了吧', 'cancel'],
    ['算了，这件还有货吗', 'cancel'],
    ['Never mind.', 'cancel'],
  ])('%s → %s, whatever the classifier thinks', (text, intent) => {
    const result = shop.recognise(text);
    expect(result.intent).toBe(intent);
    expect(result.confidence).toBeGreaterThanOrEqual(KEYWORD_CONFIDENCE);
    expect(result.ranking[0]!.intent).toBe(intent);
    expectWellFormed(result);
  });

  it('lets the longest keyword win a conflict', () => {
    const recogniser = IntentRecogniser.train(examples, {
      keywords: { cancel: ['算了'], ask_stock: ['算了还有货吗'] },
    });
    expect(recogniser.recognise('那算了还有货吗').intent).toBe('ask_stock');
    expect(recogniser.recognise('那算了').intent).toBe('cancel');
  });

  it('matches English keywords as whole words only', () => {
    const recogniser = IntentRecogniser.train(examples, { keywords: { cancel: ['no'] } });
    expect(recogniser.recognise('no').intent).toBe('cancel');
    expect(recogniser.recognise('I know my size').intent).not.toBe('cancel');
  });

  it('finds a keyword of one character, and one whose first characters also stand elsewhere in the message', () => {
    const recogniser = IntentRecogniser.train(examples, { keywords: { human_agent: ['客'], track_order: ['物流', 'where is my parcel'] } });
    expect(recogniser.recognise('物品的物流呢').intent).toBe('track_order');
    expect(recogniser.recognise('when i ask where is my parcel').intent).toBe('track_order');
    expect(recogniser.recognise('找客').intent).toBe('human_agent');
    expect(recogniser.recognise('物品呢').intent).not.toBe('track_order');
  });

  it('can name an intent that has no training examples', () => {
    const recogniser = IntentRecogniser.train(examples, { keywords: { track_order: ['物流', 'tracking'] } });
    expect(recogniser.intents).toContain('track_order');
    expect(recogniser.recognise('我的物流怎么不动了').intent).toBe('track_order');
  });
});

describe('messages about something else', () => {
  it.each(['今天天气怎么样', 'asdfgh qwerty', "what's the capital of France", '😀', '给我讲个笑话', 'play some music'])(
    '%s stays under the threshold',
    (text) => {
      const result = shop.recognise(text);
      expect(result.intent).toBeNull();
      expect(result.confidence).toBeLessThan(DEFAULT_THRESHOLD);
      expectWellFormed(result);
    },
  );

  it('takes the threshold from the options', () => {
    const eager = IntentRecogniser.train(examples, { threshold: 0 });
    expect(eager.recognise('今天天气怎么样').intent).not.toBeNull();
    const strict = IntentRecogniser.train(examples, { threshold: 1, keywords: SHOP_KEYWORDS });
    expect(strict.recognise('is the blue one in stock').intent).toBeNull();
    expect(strict.recognise('转人工').intent).toBe('human_agent');
  });
});

describe('results', () => {
  it('are the same for the same training examples', () => {
    const again = IntentRecogniser.train(examples, { keywords: SHOP_KEYWORDS });
    for (const text of ['这款还有M码吗', 'what size for 175cm', '今天天气怎么样', '轉人工', 'hello?']) {
      expect(again.recognise(text)).toEqual(shop.recognise(text));
    }
  });

  it('rank at most five intents, best first', () => {
    for (const text of ['这件有货吗，尺码偏小吗', 'hi, is this in stock? thanks', 'hm', '好的']) {
      const result = shop.recognise(text);
      expect(result.ranking.length).toBeGreaterThan(0);
      expectWellFormed(result);
    }
  });
});

describe('hostile and degenerate input', () => {
  it.each([
    ['empty', ''],
    ['spaces', '   \n\t '],
    ['emoji only', '😀🎉👍🏽❤️'],
    ['punctuation only', '？？？!!!……'],
    ['control and format characters', '\u0000\u0007\u001b\u200b\u202e\ufeff'],
  ])('%s: no intent, confidence 0', (_name, text) => {
    expect(shop.recognise(text)).toEqual({ intent: null, confidence: 0, ranking: [] });
  });

  it('copes with 10,000 characters', () => {
    const result = shop.recognise('还有货吗'.repeat(2500));
    expectWellFormed(result);
    expect(() => shop.recognise('a'.repeat(10000))).not.toThrow();
    expect(() => shop.recognise('x y '.repeat(2500))).not.toThrow();
  });

  it('copes with lone surrogates, rare scripts and values that are not strings', () => {
    expectWellFormed(shop.recognise('\ud800 有货吗 \udfff'));
    expectWellFormed(shop.recognise('𠀀𠀁 สวัสดี привет'));
    expect(shop.recognise(undefined as unknown as string)).toEqual({ intent: null, confidence: 0, ranking: [] });
    expect(shop.recognise(42 as unknown as string).intent).toBeNull();
  });

  it('trains from junk without throwing, using what is usable', () => {
    const junk = [
      { text: '', intent: 'empty' },
      { text: '😀', intent: 'emoji' },
      { text: 'hello', intent: '' },
      { text: null, intent: 'broken' },
      { text: '有货吗', intent: 'ask_stock' },
      { text: 'is this in stock', intent: 'ask_stock' },
    ] as unknown as TrainingExample[];
    const recogniser = IntentRecogniser.train(junk, {
      threshold: Number.NaN,
      keywords: { cancel: ['', '😀', 7, '算了'] } as unknown as Record<string, string[]>,
    });
    expect(recogniser.intents).toEqual(['ask_stock', 'cancel']);
    expect(recogniser.recognise('还有货吗').intent).toBe('ask_stock');
    expect(recogniser.recognise('算了').intent).toBe('cancel');
  });

  it('with no examples at all, answers only by keywords', () => {
    const recogniser = IntentRecogniser.train([], { keywords: SHOP_KEYWORDS });
    expect(recogniser.recognise('hello').intent).toBeNull();
    expect(recogniser.recognise('never mind').intent).toBe('cancel');
    expect(IntentRecogniser.train(null as unknown as TrainingExample[]).recognise('hello').intent).toBeNull();
  });
});

describe('out of scope, learned', () => {
  // The shop's intents plus a few messages no shop handles. Weather shares "what is the" with the
  // size questions and nothing else; the nearest example of the whole message is a weather one.
  const withOutOfScope = IntentRecogniser.train([
    ...examples,
    ...['whats the weather today', 'weather in shanghai tomorrow', 'is it going to rain', 'how hot is it outside', '今天天气怎么样', '明天会下雨吗', 'who won the game', '帮我写作业']
      .map((text) => ({ text, intent: 'out_of_scope' })),
  ]);

  it('declines a message whose nearest example is out of scope, and never names the class', () => {
    for (const text of ['what is the weather like today', '后天天气怎么样']) {
      const recognition = withOutOfScope.recognise(text);
      expect(recognition.intent, text).toBeNull();
      expect(recognition.ranking.map((s) => s.intent)).not.toContain('out_of_scope');
    }
    expect(withOutOfScope.intents).not.toContain('out_of_scope');
  });

  it('still answers buyers worded unlike any example of their intent', () => {
    expect(withOutOfScope.recognise('L码还有货没').intent).toBe('ask_stock');
    expect(withOutOfScope.recognise('pls get me a real person').intent).toBe('human_agent');
    expect(withOutOfScope.recognise('what size for 175cm 70kg').intent).toBe('ask_size');
  });

  it('asks less of a guess where out of scope is learned, unless the shop sets its own threshold', () => {
    expect(withOutOfScope.threshold).toBe(THRESHOLD_WITH_OUT_OF_SCOPE);
    expect(THRESHOLD_WITH_OUT_OF_SCOPE).toBeLessThan(DEFAULT_THRESHOLD);
    expect(IntentRecogniser.train(examples).threshold).toBe(DEFAULT_THRESHOLD);
    expect(IntentRecogniser.train(examples, { threshold: 0.7 }).threshold).toBe(0.7);
  });
});
