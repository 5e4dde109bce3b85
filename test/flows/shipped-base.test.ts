// The shipped e-commerce base (base/intents/*.yaml) as a merchant meets it: loaded for every shop
// whatever its flows folder, teaching only the shop's own intents, turned off per intent with
// `base: false`, overridden by the shop's own examples, checked like flow files, and its
// out_of_scope examples learned as a class that declines.

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runNlu } from '../../cli/nlu.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { loadFlows, type LoadResult } from '../../dialogs/flows/load-flows.ts';
import { formatProblem } from '../../dialogs/flows/problems.ts';
import { loadShippedBase, SHIPPED_BASE_DIR } from '../../dialogs/flows/shipped-base.ts';
import { OUT_OF_SCOPE_INTENT } from '../../dialogs/understanding/intent-recogniser.ts';
import { readLabelledExamples } from '../../dialogs/understanding/labelled-examples.ts';
import { normaliseText } from '../../dialogs/understanding/text-features.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function folder(files: Record<string, string>, withSystem = false): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-base-'));
  made.push(dir);
  if (withSystem) cpSync(path.join(ROOT, 'flows/system.yaml'), path.join(dir, 'system.yaml'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const T = (text: string) => `{ zh-Hans: "${text}", zh-Hant: "${text}", en: "${text}" }`;

/** A shop with two intents; `extra` goes inside the ask_stock intent. */
function shop(extra = '', more = ''): string {
  return folder(
    {
      'shop.yaml': `
intents:
  ask_stock:
    label: ${T('stock')}
    examples: { zh: [有货吗], en: [in stock] }
${extra}
  ask_shipping:
    label: ${T('shipping')}
    examples: { zh: [发什么快递], en: [which courier] }
${more}
responses:
  stock: { text: ${T('stock')} }
  shipping: { text: ${T('shipping')} }
flows:
  stock: { trigger: ask_stock, steps: [{ say: stock }] }
  shipping: { trigger: ask_shipping, steps: [{ say: shipping }] }
`,
    },
    true,
  );
}

/** A base with examples for ask_stock, an intent the shops here do not have, and out_of_scope. */
const BASE = folder({
  'intents/presale.yaml': `
intents:
  ask_stock:
    examples:
      zh: [那个蓝色的还能拍吗, 补货大概啥时候]
      en: [can i still order the blue one]
  ask_warranty:
    examples:
      zh: [保修几年]
`,
  'intents/out-of-scope.yaml': `
intents:
  out_of_scope:
    examples:
      zh: [今天天气怎么样, 明天下雨吗, 股票会涨吗, 你吃饭了吗]
      en: [whats the weather like, will it rain tomorrow]
`,
});

async function loaded(dir: string, base: string | false = BASE): Promise<Extract<LoadResult, { ok: true }>> {
  const result = await loadFlows(dir, { actions: builtInActions, base, displayPath: (f) => path.relative(dir, f) });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result;
}

describe('the shipped base', () => {
  it('is loaded for any flows folder and teaches the intents the shop defines', async () => {
    const { flowSet } = await loaded(shop());
    expect(flowSet.baseFiles.map((f) => path.basename(f))).toEqual(['out-of-scope.yaml', 'presale.yaml']);
    expect(flowSet.recogniser.recognise('补货大概啥时候').intent).toBe('ask_stock');
    // An intent the shop does not have is not learned from the base: it would start nothing.
    expect(flowSet.recogniser.intents).not.toContain('ask_warranty');
  });

  it('declines what the out_of_scope class learned, and never offers it as an intent', async () => {
    const { flowSet } = await loaded(shop());
    const recognition = flowSet.recogniser.recognise('明天下雨吗');
    expect(recognition.intent).toBeNull();
    expect(recognition.ranking.map((s) => s.intent)).not.toContain('out_of_scope');
    expect(flowSet.recogniser.intents).not.toContain('out_of_scope');
  });

  it('is left out of one intent with base: false', async () => {
    const withBase = await loaded(shop());
    const without = await loaded(shop('    base: false'));
    expect(withBase.flowSet.recogniser.recognise('那个蓝色的还能拍吗').intent).toBe('ask_stock');
    expect(without.flowSet.recogniser.recognise('那个蓝色的还能拍吗').intent).not.toBe('ask_stock');
  });

  it('gives way to the shop: an example the shop lists under another intent leaves the base', async () => {
    expect((await loaded(shop())).flowSet.recogniser.recognise('补货大概啥时候').intent).toBe('ask_stock');
    const moved = await loaded(
      folder(
        {
          'shop.yaml': `
intents:
  ask_stock:
    label: ${T('stock')}
    examples: { zh: [有货吗], en: [in stock] }
  ask_shipping:
    label: ${T('shipping')}
    examples: { zh: [发什么快递, 補貨大概啥時候], en: [which courier] }
responses:
  stock: { text: ${T('stock')} }
  shipping: { text: ${T('shipping')} }
flows:
  stock: { trigger: ask_stock, steps: [{ say: stock }] }
  shipping: { trigger: ask_shipping, steps: [{ say: shipping }] }
`,
        },
        true,
      ),
    );
    // Written in Traditional by the shop, the same message as the base's Simplified one.
    expect(moved.flowSet.recogniser.recognise('补货大概啥时候').intent).toBe('ask_shipping');
  });

  it('lets an intent rely on the base alone, but not when its base is off', async () => {
    const bare = (extra: string) =>
      folder(
        {
          'shop.yaml': `
intents:
  ask_stock:
    label: ${T('stock')}
    examples: {}
${extra}
responses:
  stock: { text: ${T('stock')} }
flows:
  stock: { trigger: ask_stock, steps: [{ say: stock }] }
`,
        },
        true,
      );
    expect((await loaded(bare(''))).flowSet.recogniser.recognise('那个蓝色的还能拍吗').intent).toBe('ask_stock');
    const off = await loadFlows(bare('    base: false'), { actions: builtInActions, base: BASE });
    expect(off.ok).toBe(false);
    if (!off.ok) expect(off.problems.map((p) => p.message).join('\n')).toContain('intent "ask_stock" needs at least one example');
  });

  it('takes a shop out_of_scope intent as more examples of the class, starting no flow', async () => {
    const dir = shop(`  out_of_scope:
    label: ${T('none')}
    examples: { zh: [你们老板帅吗] }`);
    const { flowSet } = await loaded(dir);
    expect(flowSet.recogniser.recognise('你们老板帅吗').intent).toBeNull();
    expect(flowSet.recogniser.recognise('今天天气怎么样').intent).toBeNull();
  });

  it('reports a broken base file as file:line:col, like a flow file', async () => {
    const broken = folder({
      'intents/bad.yaml': `
intents:
  ask_stock:
    label: x
    examples:
      zh: [有货吗, 123]
  out_of_scope:
    examples:
      en: [有货吗]
`,
    });
    const result = await loadFlows(shop(), { actions: builtInActions, base: broken, displayPath: (f) => path.relative(broken, f) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map(formatProblem)).toEqual([
      'intents/bad.yaml:4:5 intents.ask_stock.label: unknown key "label"',
      'intents/bad.yaml:6:17 intents.ask_stock.examples.zh.1: must be string',
    ]);
    const clash = folder({ 'intents/a.yaml': 'intents:\n  ask_stock:\n    examples: { zh: [有货吗] }\n  out_of_scope:\n    examples: { zh: [有貨嗎] }\n' });
    const clashed = await loadShippedBase(clash, (f) => path.relative(clash, f));
    expect(clashed.ok).toBe(false);
    if (!clashed.ok) expect(clashed.problems.map(formatProblem)).toEqual(['intents/a.yaml:5:22 example "有貨嗎" is also an example of intent "ask_stock" at intents/a.yaml:3:22']);
  });

  it('is a valid base as shipped', async () => {
    const result = await loadShippedBase(SHIPPED_BASE_DIR);
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
  });

  it('has at least 120 Chinese and 80 English phrasings for every intent (issue 11, item 1)', async () => {
    const result = await loadShippedBase(SHIPPED_BASE_DIR);
    if (!result.ok) throw new Error('the shipped base does not load');
    // Distinct after normalisation, so a Traditional copy or a changed digit is not counted twice.
    const phrasings = new Map<string, { zh: Set<string>; en: Set<string> }>();
    for (const { text, intent } of result.base.examples) {
      const counts = phrasings.get(intent) ?? { zh: new Set<string>(), en: new Set<string>() };
      (/\p{Script=Han}/u.test(text) ? counts.zh : counts.en).add(normaliseText(text));
      phrasings.set(intent, counts);
    }
    const short = [...phrasings]
      .filter(([intent, { zh, en }]) => intent !== OUT_OF_SCOPE_INTENT && (zh.size < 120 || en.size < 80))
      .map(([intent, { zh, en }]) => `${intent}: ${zh.size} zh, ${en.size} en`);
    expect(short).toEqual([]);
    expect(phrasings.size).toBeGreaterThanOrEqual(19);
  });
});

describe('measuring with the base', () => {
  it('reads a flows folder with the base unless asked not to; a CSV file never', async () => {
    const dir = shop();
    const withBase = await readLabelledExamples(dir, { base: BASE });
    const without = await readLabelledExamples(dir, { base: false });
    expect(withBase.baseExamples).toBe(9);
    expect(withBase.examples.length).toBe(without.examples.length + 9);
    expect(withBase.learnsOutOfScope).toBe(true);
    const csv = folder({ 'rows.csv': 'text,intent\n有货吗,ask_stock\n天气,oos\n' });
    const rows = await readLabelledExamples(path.join(csv, 'rows.csv'));
    expect(rows.baseExamples).toBe(0);
    expect(rows.learnsOutOfScope).toBe(false);
  });

  it('npm run nlu -- eval --train flows says how much came from the base, and --no-base leaves it out', async () => {
    const run = async (...args: string[]) => {
      let out = '';
      const code = await runNlu(args, (t) => (out += `${t}\n`), (t) => (out += `${t}\n`));
      return { code, out };
    };
    const test = path.join(ROOT, 'flows/intents-eval.csv');
    const withBase = await run('eval', '--train', path.join(ROOT, 'flows'), '--test', test, '--confusions', '0');
    expect(withBase.code).toBe(0);
    expect(withBase.out).toMatch(/^base: \d+ examples from the shipped base/);
    const without = await run('eval', '--train', path.join(ROOT, 'flows'), '--test', test, '--confusions', '0', '--no-base');
    expect(without.out).toMatch(/^trained: /);
  });
});
