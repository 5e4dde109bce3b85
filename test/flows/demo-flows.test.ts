// The demo shop's flows load cleanly, and every conversation test under flows/tests/ passes —
// the same tests `npm run flows -- test` runs, one vitest case each.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { afterSalePolicy } from '../../compose/orders.ts';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { DemoOrders } from '../../adapters/commerce/demo/demo-orders.ts';
import { MemoryProofAttempts } from '../../adapters/stores/memory/memory-proof-attempts.ts';
import { loadConfig } from '../../config/load-config.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { TESTS_FOLDER, loadFlows } from '../../dialogs/flows/load-flows.ts';
import { formatProblem } from '../../dialogs/flows/problems.ts';
import { loadConversationTests, runConversationTest } from '../../dialogs/testing/conversation-tests.ts';

const { config } = loadConfig({ env: {} });
const loaded = await loadFlows(config.flows.dir, { actions: builtInActions, nluThreshold: config.nlu.threshold });
const { cases, problems } = await loadConversationTests(path.join(config.flows.dir, TESTS_FOLDER));
const catalog = await DemoCatalog.load();

describe('the demo shop', () => {
  it('has valid flows and test files', () => {
    expect(loaded.ok ? [] : loaded.problems.map(formatProblem)).toEqual([]);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(cases.length).toBeGreaterThan(10);
  });

  describe.each(cases.map((c) => [c.name, c] as const))('conversation test: %s', (_name, testCase) => {
    it(`follows the transcript (${testCase.location})`, async () => {
      if (!loaded.ok) throw new Error('flows did not load');
      const result = await runConversationTest(testCase, {
        flows: loaded.flowSet,
        catalog,
        shopName: config.shop.name,
        createOrders: (clock) => DemoOrders.load({ clock }),
        createProofAttempts: (clock) => new MemoryProofAttempts({ clock }),
        afterSale: afterSalePolicy(config),
      });
      expect(result.failure).toBe('');
      expect(result.passed).toBe(true);
    });
  });
});
