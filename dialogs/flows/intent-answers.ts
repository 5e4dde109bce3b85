// A fixed answer in one place: an intent may carry its answer (`answer: response_name`, or the
// response itself written in place), and the loader turns it into the one-step flow it stands
// for — a flow named after the intent, triggered by it, that says the answer. The engine, the
// checks, the dashboard and the conversation tests then see an ordinary flow; problems with the
// answer point at the intent's `answer:` line.

import type { CollectedFlows } from './check-flows.ts';
import { triggersOf } from './check-flows.ts';
import type { FlowDefinition, ResponseDefinition } from './flow-types.ts';
import type { Problem } from './problems.ts';
import { problemAt } from './yaml-source.ts';

/**
 * Adds the flow (and, for an answer written in place, the response) of every intent with an
 * `answer`, to `collected`. Returns the problems that stop it: a name already taken by another
 * flow or response, or an intent that also triggers a flow of its own.
 */
export function expandIntentAnswers(collected: CollectedFlows): Problem[] {
  const problems: Problem[] = [];
  const triggeredBy = new Map<string, string>();
  for (const [flowName, { definition }] of collected.flows) for (const intent of triggersOf(definition)) triggeredBy.set(intent, flowName);

  for (const [intent, { definition, origin }] of collected.intents) {
    const answer = definition.answer;
    if (answer === undefined) continue;
    const at = { source: origin.source, path: [...origin.path, 'answer'] };
    const report = (message: string): void => void problems.push(problemAt(at.source, at.path, message, true));
    const otherFlow = triggeredBy.get(intent);
    if (otherFlow !== undefined) {
      report(`intent "${intent}" has an answer and also triggers flow "${otherFlow}"; keep one of them`);
      continue;
    }
    if (collected.flows.has(intent)) {
      report(`the answer of intent "${intent}" becomes a flow named "${intent}", and a flow of that name exists; rename one of them`);
      continue;
    }
    let responseName: string;
    if (typeof answer === 'string') {
      responseName = answer;
    } else {
      // Written in place: the response takes the intent's name.
      if (collected.responses.has(intent)) {
        const existing = collected.responses.get(intent)!.origin;
        const { line, col } = problemAt(existing.source, existing.path, '', true);
        report(`the answer of intent "${intent}" becomes a response named "${intent}", already defined at ${existing.source.file}:${line}:${col}; rename one of them`);
        continue;
      }
      collected.responses.set(intent, { definition: answer as ResponseDefinition, origin: at });
      responseName = intent;
    }
    const flow: FlowDefinition = { trigger: intent, steps: [{ say: responseName }] };
    collected.flows.set(intent, { definition: flow, origin: at });
  }
  return problems;
}
