import { describe, expect, it } from 'vitest';
import { isOnlyCourtesy, splitMessage, stripCourtesy, withoutCourtesyBefore } from '../../dialogs/engine/message-parts.ts';

const texts = (message: string) => splitMessage(message).map((p) => p.text);

describe('cutting a message into parts', () => {
  it.each([
    ['亲 在吗 卫衣有M码吗', ['亲', '在吗', '卫衣有M码吗']],
    ['hi 请问这件T恤有白色L吗', ['hi', '请问这件T恤有白色L吗']],
    ['這款有貨嗎 發什麼快遞', ['這款有貨嗎', '發什麼快遞']],
    ['有货吗另外发什么快递', ['有货吗', '另外发什么快递']],
    ['这件有货吗?什么时候发货?能开发票吗?', ['这件有货吗?', '什么时候发货?', '能开发票吗?']],
    ['这件我穿多大码,还有发什么快递', ['这件我穿多大码', '还有发什么快递']],
    ['what size should I get? and do you ship to hong kong', ['what size should I get?', 'and do you ship to hong kong']],
    ['is it in stock btw do you ship abroad', ['is it in stock', 'btw do you ship abroad']],
  ])('%s → %j', (message, parts) => {
    expect(texts(message)).toEqual(parts);
  });

  it.each([
    ['what size should I get'],
    ['height 170 weight 60'],
    ['牛肉乾還有貨嗎'],
    ['身高1.75体重60'],
    ['I paid 1,000 for it'],
  ])('%s stays whole', (message) => {
    expect(texts(message)).toEqual([message]);
  });

  it('keeps offsets into the original message', () => {
    const message = '亲 在吗 卫衣有M码吗';
    for (const part of splitMessage(message)) expect(message.slice(part.start, part.end)).toBe(part.text);
  });

  it('caps the number of parts, the rest staying in the last', () => {
    const parts = splitMessage('一。二。三。四。五。六。七。八', 3);
    expect(parts).toHaveLength(3);
    expect(parts[2]!.text).toBe('三。四。五。六。七。八');
  });

  it('costs little on a hostile message', () => {
    expect(splitMessage('。'.repeat(5000) + '有货吗').map((p) => p.text)).toEqual(['有货吗']);
    expect(splitMessage('a '.repeat(5000)).length).toBe(1);
  });
});

describe('courtesy around a request', () => {
  it.each([
    ['亲 在吗 请问有货吗 谢谢', '有货吗'],
    ['請問這件有M號嗎', '這件有M號嗎'],
    ['hi there, do you ship to HK? thanks', 'do you ship to HK?'],
    ['还有发什么快递', '发什么快递'],
    ['还有货吗', '还有货吗'],
    ['hitting the limit', 'hitting the limit'],
  ])('%s → %s', (text, request) => {
    expect(stripCourtesy(text)).toBe(request);
  });

  it('keeps the words after a request for recognition ("好的谢谢" is a thank-you)', () => {
    expect(withoutCourtesyBefore('好的谢谢')).toBe('好的谢谢');
    expect(withoutCourtesyBefore('请问包邮吗 谢谢')).toBe('包邮吗 谢谢');
    expect(withoutCourtesyBefore('你好')).toBe('你好');
  });

  it.each([['亲'], ['在吗'], ['hello'], ['謝謝'], ['thanks!']])('%s is only courtesy', (text) => {
    expect(isOnlyCourtesy(text)).toBe(true);
  });

  it.each([['卫衣有M码吗'], ['好的谢谢'], ['hi, size?']])('%s is more than courtesy', (text) => {
    expect(isOnlyCourtesy(text)).toBe(false);
  });
});
