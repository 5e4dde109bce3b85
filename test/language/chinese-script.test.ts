// The bot answers in the buyer's language and script: Traditional in, Traditional out.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectLanguage, plainConversions, toSimplified, toTraditional } from '../../dialogs/language/chinese-script.ts';

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

describe('script conversion without work it need not do', () => {
  // Texts no dictionary entry starts in are given back as they are, and recent answers are
  // remembered: both must give exactly what opencc-js gives.
  const flowsDir = path.resolve(import.meta.dirname, '../../flows');
  const lines = readdirSync(flowsDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.yaml') || file.endsWith('.csv'))
    .flatMap((file) => readFileSync(path.join(flowsDir, file), 'utf8').split('\n'));

  it('skips the dictionaries only where this opencc-js keeps them where expected', () => {
    expect(plainConversions.shortcutAvailable).toBe(true);
  });

  it('gives what opencc-js gives for every line of the demo flows, asked twice', () => {
    expect(lines.length).toBeGreaterThan(1000);
    for (let round = 0; round < 2; round++) {
      for (const line of lines) {
        expect(toSimplified(line)).toBe(plainConversions.toSimplified(line));
        expect(toTraditional(line)).toBe(plainConversions.toTraditional(line));
      }
    }
  });

  it.each([
    '170', '60kg', 'hi there', '', '👍👍', '𠮷野家 乾燥', '后來 後面', '髮型 头发', '\ud842', '一口吃個', '隻', '著作 着急', '台灣 臺灣', '⿰氵工',
  ])('gives what opencc-js gives for %j', (text) => {
    expect(toSimplified(text)).toBe(plainConversions.toSimplified(text));
    expect(toTraditional(text)).toBe(plainConversions.toTraditional(text));
  });
});
