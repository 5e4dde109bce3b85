// Long replies are split to fit each platform's text limit, at natural breaks, keeping the numbered
// options together in the last message.

import { describe, expect, it } from 'vitest';
import { splitForLimit } from '../../adapters/channels/shared/split-text.ts';
import { renderTiktokReply, TIKTOK_TEXT_LIMIT } from '../../adapters/channels/tiktok/tiktok-renderer.ts';

describe('splitting a text for a platform limit', () => {
  it('leaves a text within the limit alone', () => {
    expect(splitForLimit('短い', 10)).toEqual(['短い']);
  });

  it('cuts at a blank line, then a line break, then a sentence end, then a space, then hard', () => {
    expect(splitForLimit('aaaa bbbb\n\ncccc', 12)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitForLimit('aaaa bbbb\ncccc dd', 12)).toEqual(['aaaa bbbb', 'cccc dd']);
    expect(splitForLimit('这件是纯棉的。那件是涤纶的。', 10)).toEqual(['这件是纯棉的。', '那件是涤纶的。']);
    expect(splitForLimit('one two three four', 10)).toEqual(['one two', 'three four']);
    expect(splitForLimit('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('counts characters, not UTF-16 units: an emoji is one', () => {
    const parts = splitForLimit('😀'.repeat(15), 10);
    expect(parts.map((part) => Array.from(part).length)).toEqual([10, 5]);
  });

  it('sends a TikTok reply over 2,000 characters as several TEXT messages, each within the limit, options last', () => {
    const paragraph = '这款卫衣是加绒的，冬天穿很暖和，洗了也不容易起球。'.repeat(40);
    const reply = { text: `${paragraph}\n\n${paragraph}\n\n${paragraph}`, buttons: [{ title: '帮我选尺码', payload: '/ask_size' }, { title: '转人工', payload: '/human' }] };
    const messages = renderTiktokReply(reply);
    expect(messages.length).toBeGreaterThan(1);
    const texts = messages.map((m) => (JSON.parse(m.content) as { content: string }).content);
    for (const text of texts) expect(Array.from(text).length).toBeLessThanOrEqual(TIKTOK_TEXT_LIMIT);
    expect(texts.at(-1)).toMatch(/1\. 帮我选尺码\n2\. 转人工$/);
    expect(texts.join('').replace(/\s/g, '')).toBe(`${reply.text}1.帮我选尺码2.转人工`.replace(/\s/g, ''));
  });
});
