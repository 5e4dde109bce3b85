import { describe, expect, it } from 'vitest';
import { asksForAgain, expandShorthand, isAcknowledgement, isLanguageNeutral, isNeverMind, readYesNo } from '../../dialogs/engine/short-replies.ts';

const CANCEL_QUESTION_ZH = '确认要取消订单 KF1(T恤 ×1,¥99.00)吗?取消后不能恢复哦。';
const CANCEL_QUESTION_HANT = '確認要取消訂單 KF1(T恤 ×1,¥99.00)嗎?取消後不能恢復哦。';
const CANCEL_QUESTION_EN = "Cancel order KF1 (Tee ×1, CN¥99.00)? This can't be undone.";
const ADDRESS_QUESTION_ZH = '小蜜读到的新地址是:\n北京市朝阳区\n确认把订单 KF1 改寄到这里吗?';

describe('answers to "cancel this order?"', () => {
  it.each([
    // never mind and negation: keep the order
    ['算了 不取消了', 'no'], ['算了', 'no'], ['先不', 'no'], ['别', 'no'], ['别别别', 'no'], ['不取消了', 'no'], ['不要取消', 'no'],
    ['还是不取消了', 'no'], ['好的 不用了', 'no'], ['嗯 算了', 'no'], ['等等我再想想', 'no'], ['不是', 'no'], ['不', 'no'], ['先别取消', 'no'],
    // yes, and the question's own verb
    ['取消吧', 'yes'], ['取消', 'yes'], ['嗯取消', 'yes'], ['那就取消吧', 'yes'], ['帮我取消', 'yes'], ['是的', 'yes'], ['好的', 'yes'],
    ['可以的', 'yes'], ['行吧', 'yes'], ['👍', 'yes'], ['确认', 'yes'],
    // not an answer
    ['我要退货', null], ['这个什么时候发货啊 我等了好久了', null],
  ] as const)('%s → %s (zh-Hans)', (text, answer) => {
    expect(readYesNo(text, CANCEL_QUESTION_ZH)).toBe(answer);
  });

  it.each([['算了 不取消了', 'no'], ['確認取消', 'yes'], ['先不要', 'no'], ['取消吧', 'yes'], ['不用了謝謝', 'no'], ['對', 'yes']] as const)(
    '%s → %s (zh-Hant)', (text, answer) => {
      expect(readYesNo(text, CANCEL_QUESTION_HANT)).toBe(answer);
    },
  );

  it.each([
    ['no', 'no'], ['nope', 'no'], ['nvm', 'no'], ['never mind', 'no'], ["don't cancel", 'no'], ['no dont cancel it', 'no'], ['keep it', 'no'],
    ['not now', 'no'], ['nah', 'no'], ['yes', 'yes'], ['ok', 'yes'], ['k', 'yes'], ['sure, go ahead', 'yes'], ['yes cancel it', 'yes'],
    ['cancel it', 'yes'], ['Yes please!', 'yes'], ['where is my parcel', null],
  ] as const)('%s → %s (en)', (text, answer) => {
    expect(readYesNo(text, CANCEL_QUESTION_EN)).toBe(answer);
  });

  it('reads a one-character verb echoed from the question', () => {
    expect(readYesNo('改吧', ADDRESS_QUESTION_ZH)).toBe('yes');
    expect(readYesNo('不改了', ADDRESS_QUESTION_ZH)).toBe('no');
  });

  it('without a question, only the yes and no words count', () => {
    expect(readYesNo('取消吧')).toBeNull();
    expect(readYesNo('不取消了')).toBeNull();
    expect(readYesNo('好的')).toBe('yes');
  });
});

describe('never mind, acknowledgements and "another one"', () => {
  it.each([['算了'], ['先不'], ['不用了'], ['nvm'], ['never mind'], ['算了吧 不用了'], ['先不了']])('%s is never mind', (text) => {
    expect(isNeverMind(text)).toBe(true);
  });

  it.each([['不'], ['好的'], ['算了 我要退货'], ['不用了 身高170']])('%s is not (only) never mind', (text) => {
    expect(isNeverMind(text)).toBe(false);
  });

  it.each([['好的'], ['ok'], ['嗯嗯 好'], ['👌']])('%s acknowledges', (text) => {
    expect(isAcknowledgement(text)).toBe(true);
  });

  it.each([['好的 拜拜'], ['好的 身高170'], ['ok what size']])('%s is more than an acknowledgement', (text) => {
    expect(isAcknowledgement(text)).toBe(false);
  });

  it.each([['再来一个'], ['再來一個'], ['another one'], ['one more pls'], ['好的 再来一个']])('%s asks for the same again', (text) => {
    expect(asksForAgain(text)).toBe(true);
  });

  it.each([['再来一个订单'], ['more colours?'], ['好的']])('%s does not', (text) => {
    expect(asksForAgain(text)).toBe(false);
  });
});

describe('chat shorthand and language', () => {
  it('spells out shorthand that stands alone, and nothing else', () => {
    expect(expandShorthand('88')).toBe('拜拜');
    expect(expandShorthand('好的 88')).toBe('好的 拜拜');
    expect(expandShorthand('nvm')).toBe('never mind');
    expect(expandShorthand('thx!')).toBe('thanks!');
    expect(expandShorthand('北京市朝阳区建国路88号')).toBe('北京市朝阳区建国路88号');
    expect(expandShorthand('1988')).toBe('1988');
    expect(expandShorthand('60 kg')).toBe('60 kg');
  });

  it.each([['ok'], ['no'], ['88'], ['thx'], ['OK!'], ['nvm'], ['hi']])('%s keeps the conversation language', (text) => {
    expect(isLanguageNeutral(text)).toBe(true);
  });

  it.each([['no I want a refund'], ['where is my parcel'], ['好的'], ['cancel it']])('%s shows a language of its own', (text) => {
    expect(isLanguageNeutral(text)).toBe(false);
  });
});
