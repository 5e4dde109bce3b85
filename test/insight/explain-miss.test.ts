// What the robot trainer tells a merchant when a message they just taught is still not recognised.

import { describe, expect, it } from 'vitest';
import { explainMiss } from '../../dialogs/insight/explain-miss.ts';
import { IntentRecogniser } from '../../dialogs/understanding/intent-recogniser.ts';

const examples = [
  ...['有没有实体店', '实体店在哪', '线下门店地址', 'do you have a physical store', 'where is your shop located'].map((text) => ({ text, intent: 'store_location' })),
  ...['什么时候发货', '发什么快递', '几天能到', 'when do you ship', 'which courier'].map((text) => ({ text, intent: 'ask_shipping' })),
  ...['多少钱', '有优惠吗', '能便宜点吗', 'how much is it', 'any discount'].map((text) => ({ text, intent: 'ask_price' })),
  ...['拜拜', '谢谢 再见', 'bye', 'thanks bye'].map((text) => ({ text, intent: 'thanks_bye' })),
  ...['今天天气怎么样', '讲个故事', 'who won the game', 'whats the weather'].map((text) => ({ text, intent: 'out_of_scope' })),
];
const recogniser = IntentRecogniser.train(examples, { keywords: { ask_price: ['优惠'] } });

describe('explaining a taught message the bot still misses', () => {
  it('says nothing when the message is now recognised, reading chat shorthand as the engine does', () => {
    expect(explainMiss(recogniser, '实体店在哪里', 'store_location')).toBeNull();
    expect(explainMiss(recogniser, '88', 'thanks_bye')).toBeNull();
  });

  it('names the keyword of another intent that decides it', () => {
    const miss = explainMiss(recogniser, '门店有优惠吗', 'store_location');
    expect(miss).toMatchObject({ recognisedAs: 'ask_price' });
    expect(miss!.reason).toMatch(/keyword "优惠" of ask_price/);
  });

  it('says when a message is only a number, or too short to tell apart', () => {
    expect(explainMiss(recogniser, '12345', 'store_location')!.reason).toMatch(/only a number/);
    expect(explainMiss(recogniser, '咋整', 'store_location')!.reason).toMatch(/too short .*2 characters.*keyword of store_location/);
  });

  it('says which intent it is closer to, or how sure the bot is', () => {
    // A merchant who teaches another intent's very words gets told where they already belong.
    const closer = explainMiss(recogniser, 'when do you ship', 'store_location');
    expect(closer).toMatchObject({ recognisedAs: 'ask_shipping' });
    expect(closer!.reason).toMatch(/closer to the examples of ask_shipping \(\d\.\d\d\) than to those of store_location/);
    const unsure = explainMiss(recogniser, 'blue whales sing at night', 'store_location');
    expect(unsure).not.toBeNull();
    expect(unsure!.recognisedAs).toBeNull();
    expect(unsure!.reason).toMatch(/not sure enough yet|out-of-scope examples/);
  });
});
