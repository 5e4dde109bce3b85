// The `vocabulary:` part of the flow files: the shop's words that actions use. A merchant changes
// them by editing YAML only (each test below copies the demo flows, edits a file's text, and talks
// to the bot), and the checks catch a part that is missing, defined twice or incomplete.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { DemoOrders } from '../../adapters/commerce/demo/demo-orders.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { loadFlows, type FlowSet } from '../../dialogs/flows/load-flows.ts';
import { formatProblem } from '../../dialogs/flows/problems.ts';
import { runConversationTest, type TestCase } from '../../dialogs/testing/conversation-tests.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const folders: string[] = [];
afterAll(() => folders.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The demo flows in a folder of their own, with each [file, old text, new text] edit applied. */
function editedShop(edits: [file: string, from: string, to: string][]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-vocabulary-'));
  folders.push(dir);
  cpSync(path.join(ROOT, 'flows'), dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}tests`) });
  for (const [file, from, to] of edits) {
    const full = path.join(dir, file);
    const text = readFileSync(full, 'utf8');
    if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
    writeFileSync(full, text.replace(from, to));
  }
  return dir;
}

async function load(dir: string): Promise<FlowSet> {
  const loaded = await loadFlows(dir, { actions: builtInActions });
  if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
  return loaded.flowSet;
}

async function problemsOf(dir: string): Promise<string[]> {
  const loaded = await loadFlows(dir, { actions: builtInActions, displayPath: (file) => path.relative(dir, file) });
  return loaded.ok ? [] : loaded.problems.map(formatProblem);
}

const catalog = await DemoCatalog.load();
const shopName = { 'zh-Hans': '小蜜演示店', 'zh-Hant': '小蜜演示店', en: 'Kefu Demo Shop' };

async function talk(flows: FlowSet, test: Record<string, unknown>): Promise<string> {
  const testCase = { name: String(test.name), location: 'vocabulary.test.ts', test } as unknown as TestCase;
  const result = await runConversationTest(testCase, { flows, catalog, shopName, createOrders: (clock) => DemoOrders.load({ clock }) });
  return result.failure;
}

describe('a merchant changes the shop\'s words without code', () => {
  it('renames a product fact in answers', async () => {
    const flows = await load(editedShop([['product-info.yaml', 'label: { zh-Hans: 保质期, zh-Hant: 保質期, en: Shelf life }', 'label: { zh-Hans: 最佳食用期, zh-Hant: 最佳食用期, en: Best within }']]));
    expect(await talk(flows, {
      name: 'shelf life under its new name',
      context: { productId: 'walnuts-paper' },
      steps: [
        { buyer: '保质期多久', bot: '最佳食用期:9个月', bot_not: '保质期' },
        { buyer: 'how long is the shelf life', bot: 'Best within: 9 months' },
      ],
    })).toBe('');
  });

  it('renames an order status and a carrier', async () => {
    const flows = await load(editedShop([
      ['after-sale/orders-common.yaml', 'paid: { zh-Hans: 待发货, zh-Hant: 待發貨, en: "paid, not shipped yet" }', 'paid: { zh-Hans: 仓库打包中, zh-Hant: 倉庫打包中, en: being packed }'],
      ['after-sale/orders-common.yaml', 'sf: { zh-Hans: 顺丰速运, zh-Hant: 順豐速運, en: SF Express }', 'sf: { zh-Hans: 顺丰特快, zh-Hant: 順豐特快, en: SF Priority }'],
    ]));
    expect(await talk(flows, {
      name: 'new status and carrier names',
      steps: [
        { buyer: '查一下KF180564013702的物流', bot: '仓库打包中' },
        { buyer: 'track my order KF180564013703', bot: 'SF Priority' },
      ],
    })).toBe('');
  });

  it('words the stock bands and the size its own way', async () => {
    const flows = await load(editedShop([
      ['commerce-common.yaml', 'en: plenty in stock', 'en: loads in the warehouse'],
      ['commerce-common.yaml', 'size_label: { zh-Hans: "{{size}}码", zh-Hant: "{{size}}碼", en: "{{size}}" }', 'size_label: { zh-Hans: "{{size}}号", zh-Hant: "{{size}}號", en: "size {{size}}" }'],
    ]));
    expect(await talk(flows, {
      name: 'bands and sizes',
      context: { productId: 'tee-classic' },
      steps: [
        { buyer: '蓝色M有货吗', bot: '蓝色M号' },
        { buyer: 'is blue M in stock?', bot: ['Blue size M', 'loads in the warehouse'] },
      ],
    })).toBe('');
  });

  it('moves a shipping word from one topic to another', async () => {
    const before = await load(editedShop([]));
    const after = await load(editedShop([['shipping.yaml', 'courier: [快递, 物流公司,', 'courier: [快递, 物流公司, 发什么,']]));
    const asked = { name: 'which courier', steps: [{ buyer: '发货发什么', bot: '每天16:00前付款' }] };
    expect(await talk(before, asked)).toBe('');
    expect(await talk(after, { ...asked, steps: [{ buyer: '发货发什么', bot: ['每天16:00前付款', '默认发中通快递'] }] })).toBe('');
  });
});

describe('the vocabulary checks', () => {
  it('reports a part that an action needs and no file defines, at the step that calls it', async () => {
    const dir = editedShop([]);
    const file = path.join(dir, 'shipping.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.indexOf('\nvocabulary:')));
    const problems = await problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^shipping\.yaml:\d+:\d+ action "shipping_answer" \(flow "shipping_info"\) needs vocabulary\.shipping/);
  });

  it('reports a part defined in two files, with where the first is', async () => {
    const dir = editedShop([]);
    const business = readFileSync(path.join(dir, 'handoff.yaml'), 'utf8');
    writeFileSync(path.join(dir, 'zz-more-words.yaml'), business.slice(business.indexOf('vocabulary:')));
    expect(await problemsOf(dir)).toEqual([expect.stringMatching(/^zz-more-words\.yaml:\d+:\d+ vocabulary "business_hours" is already defined at handoff\.yaml:\d+:\d+$/)]);
  });

  it('reports an order status with no name, bands out of order, and a size without its placeholder', async () => {
    const dir = editedShop([
      ['after-sale/orders-common.yaml', '    refunded: { zh-Hans: 已退款, zh-Hant: 已退款, en: refunded }\n', ''],
      ['commerce-common.yaml', '- { from: 5,', '- { from: 50,'],
      ['commerce-common.yaml', 'en: "{{size}}" }', 'en: "the size" }'],
    ]);
    const problems = (await problemsOf(dir)).join('\n');
    expect(problems).toMatch(/after-sale\/orders-common\.yaml:\d+:\d+ vocabulary\.order_statuses needs a name for "refunded"/);
    expect(problems).toMatch(/commerce-common\.yaml:\d+:\d+ stock_bands: list the bands highest first/);
    expect(problems).toMatch(/commerce-common\.yaml:\d+:\d+ size_label needs the placeholder \{\{size\}\}/);
  });

  it('refuses a malformed part with the schema\'s file:line:col', async () => {
    const dir = editedShop([['handoff.yaml', 'every_day: { zh-Hans: 每天, zh-Hant: 每天, en: Every day }', 'every_day: 每天']]);
    expect((await problemsOf(dir)).join('\n')).toMatch(/handoff\.yaml:\d+:\d+ vocabulary\.business_hours\.every_day: must be object/);
  });
});
