// Measures the intent recogniser on a held-out test set: how often it names the right intent, and
// how well it says "none of them" for out-of-scope messages, the figures the literature reports for
// CLINC150 (Larson et al. 2019) so results compare.
//
// - accuracy: in-scope test rows whose intent was recognised exactly (answering "none" is wrong);
// - macro_f1: the F1 of each in-scope intent of the test set, averaged with equal weight, so a rare
//   intent counts as much as a common one;
// - oos_precision / oos_recall: of the messages the recogniser declined, how many were out of
//   scope; of the out-of-scope messages, how many it declined;
// - confused pairs: the (expected → answered) mistakes that happen most;
// - training time and the mean time to recognise one message.

import { performance } from 'node:perf_hooks';
import { IntentRecogniser, OUT_OF_SCOPE_INTENT, type RecogniserOptions, type TrainingExample } from './intent-recogniser.ts';
import { isOutOfScope } from './labelled-examples.ts';

/** How a declined message or an out-of-scope row is shown in confusions. */
export const OUT_OF_SCOPE = 'oos';

export interface Confusion {
  expected: string;
  answered: string;
  count: number;
}

/** How one in-scope intent of the test set fared (`npm run nlu -- eval --per-intent`). */
export interface IntentFigures {
  intent: string;
  /** Test rows labelled with this intent. */
  support: number;
  precision: number;
  recall: number;
  f1: number;
  /** Rows of this intent the recogniser declined as out of scope. */
  declined: number;
  /** Rows of this intent answered as another intent. */
  takenByOthers: number;
  /** Rows of other intents, or out of scope, answered as this intent. */
  taken: number;
}

export interface Evaluation {
  trainingExamples: number;
  intents: number;
  testRows: number;
  inScopeRows: number;
  outOfScopeRows: number;
  accuracy: number;
  macroF1: number;
  /** null when the recogniser declined nothing. */
  oosPrecision: number | null;
  /** null when the test set has no out-of-scope rows. */
  oosRecall: number | null;
  confusions: Confusion[];
  /** Every in-scope intent of the test set, worst F1 first. */
  perIntent: IntentFigures[];
  trainingMs: number;
  microsecondsPerMessage: number;
  /**
   * The same two in CPU time of this process: on a machine shared with other work, wall time
   * grows with the load, CPU time stays close to what an idle machine would take.
   */
  trainingCpuMs: number;
  cpuMicrosecondsPerMessage: number;
}

const WARM_UP_MESSAGES = 2000;

export class EvaluationError extends Error {
  override name = 'EvaluationError';
}

export interface EvaluationOptions extends RecogniserOptions {
  /**
   * Learn the training set's out-of-scope rows as a class of their own (as the bot does with the
   * shipped base's out_of_scope examples). Without it they are left out: the recogniser learns the
   * intents only and declines whatever looks like none of them.
   */
  learnOutOfScope?: boolean;
}

export function evaluateRecogniser(
  train: readonly TrainingExample[],
  test: readonly TrainingExample[],
  options: EvaluationOptions = {},
  confusionsShown = 10,
): Evaluation {
  const inScopeTrain = train.filter((e) => !isOutOfScope(e.intent));
  if (inScopeTrain.length === 0) throw new EvaluationError('the training set has no in-scope rows');
  const outOfScopeTrain = options.learnOutOfScope ? train.filter((e) => isOutOfScope(e.intent)) : [];
  const inScopeTest = test.filter((e) => !isOutOfScope(e.intent));
  if (inScopeTest.length === 0) throw new EvaluationError('the test set has no in-scope rows');

  const started = performance.now();
  const startedCpu = process.cpuUsage();
  const recogniser = IntentRecogniser.train(
    [
      ...inScopeTrain.map((e) => ({ text: e.text, intent: e.intent.trim() })),
      ...outOfScopeTrain.map((e) => ({ text: e.text, intent: OUT_OF_SCOPE_INTENT })),
    ],
    options,
  );
  const trainingMs = performance.now() - started;
  const trainingCpuMs = cpuMs(process.cpuUsage(startedCpu));

  // Warming up the JIT first makes the timing below the steady state a running bot sees.
  for (let i = 0; i < WARM_UP_MESSAGES; i++) recogniser.recognise(test[i % test.length]!.text);
  const answers: string[] = new Array(test.length);
  const timed = performance.now();
  const timedCpu = process.cpuUsage();
  for (let i = 0; i < test.length; i++) answers[i] = recogniser.recognise(test[i]!.text).intent ?? OUT_OF_SCOPE;
  const microsecondsPerMessage = ((performance.now() - timed) * 1000) / test.length;
  const cpuMicrosecondsPerMessage = (cpuMs(process.cpuUsage(timedCpu)) * 1000) / test.length;

  const expected = test.map((e) => (isOutOfScope(e.intent) ? OUT_OF_SCOPE : e.intent.trim()));
  let correctInScope = 0;
  let declined = 0;
  let declinedOutOfScope = 0;
  const truePositives = new Map<string, number>();
  const answeredCount = new Map<string, number>();
  const expectedCount = new Map<string, number>();
  const confusions = new Map<string, Confusion>();
  for (let i = 0; i < test.length; i++) {
    const gold = expected[i]!;
    const answer = answers[i]!;
    answeredCount.set(answer, (answeredCount.get(answer) ?? 0) + 1);
    expectedCount.set(gold, (expectedCount.get(gold) ?? 0) + 1);
    if (answer === OUT_OF_SCOPE) {
      declined++;
      if (gold === OUT_OF_SCOPE) declinedOutOfScope++;
    }
    if (answer === gold) {
      truePositives.set(gold, (truePositives.get(gold) ?? 0) + 1);
      if (gold !== OUT_OF_SCOPE) correctInScope++;
    } else {
      const key = `${gold}\u0000${answer}`;
      const confusion = confusions.get(key) ?? { expected: gold, answered: answer, count: 0 };
      confusion.count++;
      confusions.set(key, confusion);
    }
  }

  const testIntents = [...expectedCount.keys()].filter((i) => i !== OUT_OF_SCOPE);
  let f1Sum = 0;
  const perIntent: IntentFigures[] = [];
  for (const intent of testIntents) {
    const tp = truePositives.get(intent) ?? 0;
    const answered = answeredCount.get(intent) ?? 0;
    const support = expectedCount.get(intent) ?? 0;
    const precision = tp / Math.max(1, answered);
    const recall = tp / Math.max(1, support);
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    f1Sum += f1;
    const declinedRows = confusions.get(`${intent}\u0000${OUT_OF_SCOPE}`)?.count ?? 0;
    perIntent.push({
      intent,
      support,
      precision,
      recall,
      f1,
      declined: declinedRows,
      takenByOthers: support - tp - declinedRows,
      taken: answered - tp,
    });
  }
  perIntent.sort((a, b) => a.f1 - b.f1 || compare(a.intent, b.intent));
  const outOfScopeRows = expectedCount.get(OUT_OF_SCOPE) ?? 0;

  return {
    trainingExamples: inScopeTrain.length + outOfScopeTrain.length,
    intents: recogniser.intents.length,
    testRows: test.length,
    inScopeRows: inScopeTest.length,
    outOfScopeRows,
    accuracy: correctInScope / inScopeTest.length,
    macroF1: f1Sum / testIntents.length,
    oosPrecision: declined > 0 ? declinedOutOfScope / declined : null,
    oosRecall: outOfScopeRows > 0 ? declinedOutOfScope / outOfScopeRows : null,
    confusions: [...confusions.values()]
      .sort((a, b) => b.count - a.count || compare(a.expected, b.expected) || compare(a.answered, b.answered))
      .slice(0, confusionsShown),
    perIntent,
    trainingMs,
    microsecondsPerMessage,
    trainingCpuMs,
    cpuMicrosecondsPerMessage,
  };
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
