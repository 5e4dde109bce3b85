// The bot answers in the buyer's language and script: Traditional in, Traditional out.

import { describe, expect, it } from 'vitest';
import { detectLanguage, toSimplified, toTraditional } from '../../dialogs/language/chinese-script.ts';

describe('detectLanguage', () => {
  it.each([
    ['身高170体重60穿什么码', 'zh-Hans'],
    ['身高170體重60穿什麼碼', 'zh-Hant'],
    ['轉人工', 'zh-Hant'],
    ['这款黑色还有货吗', 'zh-Hans'],
    ['what size should I get?', 'en'],
    ['hi', 'en'],
  ])('%s → %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it('keeps the previous language for text that carries none', () => {
    expect(detectLanguage('170', 'zh-Hant')).toBeNull();
    expect(detectLanguage('👍👍', 'en')).toBeNull();
    expect(detectLanguage('', 'zh-Hans')).toBeNull();
  });

  it('keeps the previous script for characters both scripts share', () => {
    expect(detectLanguage('你好', 'zh-Hant')).toBe('zh-Hant');
    expect(detectLanguage('你好', 'zh-Hans')).toBe('zh-Hans');
    expect(detectLanguage('你好')).toBe('zh-Hans');
  });

  it('does not switch a Chinese conversation to English for units and sizes', () => {
    expect(detectLanguage('175cm 70kg', 'zh-Hans')).toBeNull();
    expect(detectLanguage('XL', 'zh-Hant')).toBeNull();
    expect(detectLanguage('175cm 70kg', 'en')).toBe('en');
  });
});

describe('script conversion', () => {
  it('converts characters, not vocabulary', () => {
    expect(toSimplified('根據尺寸,您適合M號哦')).toBe('根据尺寸,您适合M号哦');
    expect(toTraditional('这款黑色已经卖完了')).toBe('這款黑色已經賣完了');
  });
});
