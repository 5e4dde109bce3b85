// `npm run nlu -- eval --train FILE --test FILE [--threshold 0.5] [--confusions 10] [--no-base] [--learn-oos] [--per-intent]`
//
// Trains the intent recogniser on labelled messages and measures it on others. FILE is a CSV file
// with the header `text,intent`, an intents YAML file in the flows' format, or a folder of them
// (e.g. flows/). Rows labelled `oos` or `out_of_scope` are out of scope. A folder of flows is
// trained with the shipped base merged in, as the bot does (`--no-base` leaves it out, for
// comparison), and its out_of_scope examples are learned as a class; a CSV file's out-of-scope rows
// are left out of training unless `--learn-oos` asks for them. Prints one figure a line:
//
//   accuracy: 0.921        in-scope rows recognised as their intent
//   macro_f1: 0.918        F1 per in-scope intent, averaged
//   oos_precision: 0.790   declined messages that were out of scope
//   oos_recall: 0.631      out-of-scope messages declined
//   confused: a -> b 12    the most frequent mistakes (expected -> answered)
//   intent: a rows 40 precision 0.900 recall 0.700 f1 0.788 declined 8 to_others 4 taken 3
//                          with --per-intent: every in-scope intent of the test set, worst F1 first
//   training_ms: 8123
//   us_per_message: 110.2
//   training_cpu_ms: 8010  the same in CPU time: close to an idle machine's figure when it is busy
//   cpu_us_per_message: 108.9
//
// Exit 1 with a message on stderr for a missing file, wrong columns, an empty file or a set with no
// in-scope rows. docs/nlu.md explains the method and the figures on public datasets.

import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateRecogniser, EvaluationError, type Evaluation } from '../dialogs/understanding/evaluate-recogniser.ts';
import { isOutOfScope, LabelledExamplesError, readLabelledExamples } from '../dialogs/understanding/labelled-examples.ts';

const USAGE = 'usage: npm run nlu -- eval --train FILE --test FILE [--threshold 0..1] [--confusions N] [--no-base] [--learn-oos] [--per-intent]';

class UsageError extends Error {}

function figure(value: number | null, none: string): string {
  return value === null ? `n/a (${none})` : value.toFixed(3);
}

export function formatEvaluation(result: Evaluation, perIntent = false): string {
  const lines = [
    `trained: ${result.trainingExamples} examples, ${result.intents} intents; tested: ${result.testRows} rows (${result.inScopeRows} in scope, ${result.outOfScopeRows} out of scope)`,
    `accuracy: ${result.accuracy.toFixed(3)}`,
    `macro_f1: ${result.macroF1.toFixed(3)}`,
    `oos_precision: ${figure(result.oosPrecision, 'nothing was declined')}`,
    `oos_recall: ${figure(result.oosRecall, 'no out-of-scope rows')}`,
  ];
  for (const c of result.confusions) lines.push(`confused: ${c.expected} -> ${c.answered} ${c.count}`);
  if (perIntent) {
    // Where an intent's misses go tells what to fix: declined (too unlike any example, or the
    // out-of-scope class too strong), to_others (another intent's examples or keywords), taken
    // (this intent's examples too broad).
    for (const i of result.perIntent) {
      lines.push(
        `intent: ${i.intent} rows ${i.support} precision ${i.precision.toFixed(3)} recall ${i.recall.toFixed(3)} f1 ${i.f1.toFixed(3)} declined ${i.declined} to_others ${i.takenByOthers} taken ${i.taken}`,
      );
    }
  }
  lines.push(`training_ms: ${Math.round(result.trainingMs)}`);
  lines.push(`us_per_message: ${result.microsecondsPerMessage.toFixed(1)}`);
  lines.push(`training_cpu_ms: ${Math.round(result.trainingCpuMs)}`);
  lines.push(`cpu_us_per_message: ${result.cpuMicrosecondsPerMessage.toFixed(1)}`);
  return lines.join('\n');
}

async function evaluate(args: string[]): Promise<string> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        train: { type: 'string' },
        test: { type: 'string' },
        threshold: { type: 'string' },
        confusions: { type: 'string' },
        'no-base': { type: 'boolean' },
        'learn-oos': { type: 'boolean' },
        'per-intent': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.train || !values.test) throw new UsageError('both --train and --test are needed');
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && (!Number.isFinite(threshold) || threshold < 0 || threshold > 1)) throw new UsageError(`--threshold must be a number from 0 to 1 (got ${values.threshold})`);
  const shown = values.confusions === undefined ? 10 : Number(values.confusions);
  if (!Number.isInteger(shown) || shown < 0 || shown > 1000) throw new UsageError(`--confusions must be a whole number from 0 to 1000 (got ${values.confusions})`);

  const train = await readLabelledExamples(values.train, values['no-base'] ? { base: false } : {});
  const test = await readLabelledExamples(values.test, { base: false });
  // Name the file when one side has nothing to learn or to measure.
  if (!train.examples.some((e) => !isOutOfScope(e.intent))) throw new EvaluationError(`${values.train}: no in-scope rows to train on`);
  if (!test.examples.some((e) => !isOutOfScope(e.intent))) throw new EvaluationError(`${values.test}: no in-scope rows to measure`);
  const learnOutOfScope = train.learnsOutOfScope || values['learn-oos'] === true;
  const result = evaluateRecogniser(train.examples, test.examples, { threshold, keywords: train.keywords, learnOutOfScope }, shown);
  const base = train.baseExamples > 0 ? `base: ${train.baseExamples} examples from the shipped base (--no-base to leave them out)\n` : '';
  return base + formatEvaluation(result, values['per-intent'] === true);
}

/** Runs the command line `argv`; returns the exit status. Exported so tests need not spawn it. */
export async function runNlu(
  argv: string[],
  print: (text: string) => void = console.log,
  printError: (text: string) => void = console.error,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command !== 'eval') throw new UsageError(command === undefined ? 'no command' : `unknown command "${command}"`);
    print(await evaluate(rest));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      printError(`nlu: ${error.message}\n${USAGE}`);
    } else if (error instanceof LabelledExamplesError || error instanceof EvaluationError) {
      printError(`nlu: ${error.message}`);
    } else {
      printError(`nlu: ${(error as Error).stack ?? String(error)}`);
    }
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runNlu(process.argv.slice(2));
}
