// A buyer's direct answer to the bot's question is read as an answer first: "no", "不用了" and
// "yes please" answer a yes/no question instead of cancelling it or calling a person. Runs the
// conversation tests of test/fixtures/gift-wrapping against the demo flows plus that flow.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';
import { formatProblem } from '../../dialogs/flows/problems.ts';
import { loadConversationTests, runConversationTest } from '../../dialogs/testing/conversation-tests.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/gift-wrapping');
const dir = mkdtempSync(path.join(tmpdir(), 'kefu-gift-'));
cpSync(path.join(ROOT, 'flows'), dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}tests`) });
cpSync(path.join(FIXTURE, 'gift-wrapping.yaml'), path.join(dir, 'gift-wrapping.yaml'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loaded = await loadFlows(dir, { actions: builtInActions });
const { cases, problems } = await loadConversationTests(path.join(FIXTURE, 'tests'));
const catalog = await DemoCatalog.load();
const shopName = { 'zh-Hans': '小蜜演示店', 'zh-Hant': '小蜜演示店', en: 'Kefu Demo Shop' };

describe('answers before intents', () => {
  it('loads the fixture', () => {
    expect(loaded.ok ? [] : loaded.problems.map(formatProblem)).toEqual([]);
    expect(problems.map(formatProblem)).toEqual([]);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    if (!loaded.ok) throw new Error('flows did not load');
    const result = await runConversationTest(testCase, { flows: loaded.flowSet, catalog, shopName });
    expect(result.failure).toBe('');
  });
});
