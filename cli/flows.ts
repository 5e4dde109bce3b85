// `npm run flows -- validate [dir]`  checks every flow file; prints `file:line:col message`; exit 1 on any problem.
// `npm run flows -- test [dir]`      runs the conversation tests in <dir>/tests/ against the flows.
// `npm run flows -- actions`         lists the actions flows can call.
// dir defaults to the configured flows folder (flows/, or KEFU_FLOWS_DIR).

import path from 'node:path';
import { afterSalePolicy } from '../compose/orders.ts';
import { DemoCatalog } from '../adapters/commerce/demo/demo-catalog.ts';
import { DemoOrders } from '../adapters/commerce/demo/demo-orders.ts';
import { MemoryProofAttempts } from '../adapters/stores/memory/memory-proof-attempts.ts';
import { loadConfig } from '../config/load-config.ts';
import { builtInActions } from '../dialogs/actions/index.ts';
import { TESTS_FOLDER, loadFlows } from '../dialogs/flows/load-flows.ts';
import { InvalidFilesError, formatProblem } from '../dialogs/flows/problems.ts';
import { loadConversationTests, runConversationTest } from '../dialogs/testing/conversation-tests.ts';

const USAGE = 'usage: npm run flows -- validate [dir] | test [dir] | actions';

async function main(argv: string[]): Promise<number> {
  const [command, dirArgument] = argv;
  const { config } = loadConfig();
  const dir = dirArgument ? path.resolve(dirArgument) : config.flows.dir;
  const loadOptions = { actions: builtInActions, nluThreshold: config.nlu.threshold };

  switch (command) {
    case 'validate': {
      const result = await loadFlows(dir, loadOptions);
      if (!result.ok) {
        for (const problem of result.problems) console.log(formatProblem(problem));
        console.error(`\n${result.problems.length} problem(s) in ${path.relative(process.cwd(), dir) || '.'}`);
        return 1;
      }
      for (const warning of result.warnings) console.log(formatProblem({ ...warning, message: `warning: ${warning.message}` }));
      const set = result.flowSet;
      console.log(`ok: ${set.files.length} files, ${set.intents.size} intents, ${set.flows.size} flows, ${set.responses.size} responses`);
      return 0;
    }
    case 'test': {
      const result = await loadFlows(dir, loadOptions);
      if (!result.ok) {
        for (const problem of result.problems) console.log(formatProblem(problem));
        return 1;
      }
      const { cases, problems } = await loadConversationTests(path.join(dir, TESTS_FOLDER));
      for (const problem of problems) console.log(formatProblem(problem));
      // The merchant's own catalog file when configured (commerce.catalogFile / KEFU_CATALOG), so tests
      // check the answers buyers will get from it.
      let catalog: DemoCatalog;
      try {
        catalog = await DemoCatalog.load(config.commerce.catalogFile ?? undefined);
      } catch (error) {
        if (!(error instanceof InvalidFilesError)) throw error;
        for (const problem of error.problems) console.log(formatProblem(problem));
        return 1;
      }
      let failed = 0;
      for (const testCase of cases) {
        const outcome = await runConversationTest(testCase, { flows: result.flowSet, catalog, shopName: config.shop.name, createOrders: (clock) => DemoOrders.load({ clock }), createProofAttempts: (clock) => new MemoryProofAttempts({ clock }), afterSale: afterSalePolicy(config) });
        if (outcome.passed) {
          console.log(`  ✓ ${testCase.name}`);
        } else {
          failed++;
          console.log(`  ✗ ${testCase.name}  (${testCase.location})\n${outcome.failure}`);
        }
      }
      console.log(`\n${cases.length - failed} passed, ${failed} failed`);
      return failed > 0 || problems.length > 0 ? 1 : 0;
    }
    case 'actions':
      for (const action of builtInActions) {
        const words = action.vocabulary?.length ? ` (vocabulary: ${action.vocabulary.join(', ')})` : '';
        console.log(`${action.name}: ${action.description}${words}`);
      }
      return 0;
    default:
      console.error(USAGE);
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
