// Writing examples back into a merchant's YAML: the new items land in the list's own style, and
// every byte outside them is exactly what it was (comments, blank lines, quoting, long lines).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addIntentExamples, scalarSource } from '../../dialogs/flows/add-intent-examples.ts';

const SOURCE = `# yaml-language-server: $schema=../../dialogs/flows/flows.schema.json
#
# A merchant's intents, with comments everywhere.

intents:
  ask_size:   # sizes
    label: { zh-Hans: 尺码推荐, zh-Hant: 尺碼推薦, en: Size advice }
    examples:
      zh:
        - 身高170体重60穿什么码   # the classic
        - "我穿多大码"
        # a comment between items
        - 穿什么尺码合适
      en: [what size should I get, which size fits me ]   # trailing
    keywords: [尺码, 尺碼, 码数, 多大码, 什么码, 穿什么号, what size, which size, size advice, a very long line that a re-stringifier would fold]

  ask_stock:
    label: { zh-Hans: 库存, zh-Hant: 庫存, en: Stock }
    examples:
      zh: [还有货吗]
    # end of ask_stock
`;

/** Checks that `after` is `before` with exactly the inserted pieces, at the given offsets. */
function expectOnlyInsertions(before: string, after: string, insertions: string[]): void {
  let rest = after;
  for (const piece of insertions) {
    const at = rest.indexOf(piece);
    expect(at, `inserted ${JSON.stringify(piece)}`).toBeGreaterThanOrEqual(0);
    rest = rest.slice(0, at) + rest.slice(at + piece.length);
  }
  expect(rest).toBe(before);
}

describe('adding examples to an intent', () => {
  it('appends to a block list and a flow list, byte for byte elsewhere', () => {
    const result = addIntentExamples(SOURCE, 'ask_size', { zh: ['一米八穿啥码'], en: ['am I an L'] });
    expect(result.ok).toBe(true);
    const text = (result as { text: string }).text;
    expectOnlyInsertions(SOURCE, text, ['        - 一米八穿啥码\n', ', am I an L']);
    // The new item follows the last one, after the comment between items and the trailing comment.
    expect(text).toContain('        - 穿什么尺码合适\n        - 一米八穿啥码\n      en: [what size should I get, which size fits me, am I an L ]   # trailing');
    const data = parse(text);
    expect(data.intents.ask_size.examples.zh).toEqual(['身高170体重60穿什么码', '我穿多大码', '穿什么尺码合适', '一米八穿啥码']);
    expect(data.intents.ask_size.examples.en).toEqual(['what size should I get', 'which size fits me', 'am I an L']);
  });

  it('adds a missing language as a new key under examples, leaving the comment after it in place', () => {
    const result = addIntentExamples(SOURCE, 'ask_stock', { en: ['got any left'], zh: ['有现货没'] });
    const text = (result as { text: string }).text;
    expectOnlyInsertions(SOURCE, text, ['      en: [got any left]\n', ', 有现货没']);
    expect(parse(text).intents.ask_stock.examples).toEqual({ zh: ['还有货吗', '有现货没'], en: ['got any left'] });
  });

  it('quotes what would not read back as itself', () => {
    const hostile = ['a: b', 'yes', '# not a comment', 'x, y', '[1]', "it's", '"quoted"', '- dash', 'null', '12'];
    const result = addIntentExamples(SOURCE, 'ask_size', { en: hostile, zh: hostile });
    expect(result.ok).toBe(true);
    const data = parse((result as { text: string }).text);
    expect(data.intents.ask_size.examples.en.slice(-hostile.length)).toEqual(hostile);
    expect(data.intents.ask_size.examples.zh.slice(-hostile.length)).toEqual(hostile);
    for (const value of hostile) expect(parse(`[${scalarSource(value, 'flow')}]`)[0]).toBe(value);
  });

  it('refuses what it cannot do safely', () => {
    expect(addIntentExamples(SOURCE, 'no_such_intent', { zh: ['x'] })).toMatchObject({ ok: false });
    expect(addIntentExamples('intents: [', 'ask_size', { zh: ['x'] })).toMatchObject({ ok: false, message: expect.stringMatching(/does not parse/) });
    expect(addIntentExamples('intents:\n  a:\n    examples:\n      zh: nope\n', 'a', { zh: ['x'] })).toMatchObject({ ok: false, message: expect.stringMatching(/not a list/) });
  });

  it('works on the demo shop’s own intents file', () => {
    const file = readFileSync(new URL('../../flows/intents/presale.yaml', import.meta.url), 'utf8');
    const result = addIntentExamples(file, 'ask_stock', { zh: ['还有库存没'], en: ['any stock left'] });
    expect(result.ok).toBe(true);
    const text = (result as { text: string }).text;
    expect(text.length).toBe(file.length + ', 还有库存没'.length + ', any stock left'.length);
    expect(parse(text).intents.ask_stock.examples.zh.at(-1)).toBe('还有库存没');
  });
});
