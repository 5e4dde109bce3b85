// Finds what a keyword silently takes from another intent. A keyword decides every message that
// contains it, whatever the classifier says (intent-recogniser.ts), so a short one swallows other
// intents' questions: with `打折` as a keyword of price questions, "批发打折吗" never reaches a
// bulk-order intent, and nothing tells the merchant. These are warnings, not errors: the merchant
// may mean it, and the flows still load. `npm run flows -- validate` prints them.
//
// Three cases, each reported where the merchant can act:
// - an example of one intent that another intent's keyword decides (at the example);
// - a keyword of one intent that another intent's keyword decides: the same phrase given to two
//   intents, or one holding another's as long (the longest keyword wins, a tie goes by intent name);
// - a keyword that is only a number (every number reads the same: the recogniser leaves it out);
// - examples the shipped base gives an intent that a shop keyword of another intent decides (at the
//   keyword, with how many and one of them: base examples are not the merchant's to edit).

import type { IntentRecogniser, TrainingExample } from '../understanding/intent-recogniser.ts';
import type { CollectedFlows } from './check-flows.ts';
import type { Problem } from './problems.ts';
import { problemAt } from './yaml-source.ts';

const LANGUAGES = ['zh', 'en'] as const;

export function keywordCaptures(collected: CollectedFlows, recogniser: IntentRecogniser, baseExamples: readonly TrainingExample[]): Problem[] {
  const warnings: Problem[] = [];
  const keywordOrigins = new Map<string, Problem>();
  for (const [name, { definition, origin }] of collected.intents) {
    for (const language of LANGUAGES) {
      (definition.examples[language] ?? []).forEach((example, i) => {
        const decided = recogniser.keywordDeciding(example);
        if (decided === null || decided.intent === name) return;
        warnings.push(
          problemAt(origin.source, [...origin.path, 'examples', language, i],
            `example "${example}" of ${name} is decided by the keyword "${decided.keyword}" of ${decided.intent}: buyers who write it get ${decided.intent}`),
        );
      });
    }
    (definition.keywords ?? []).forEach((keyword, i) => {
      const at = [...origin.path, 'keywords', i];
      keywordOrigins.set(`${name}\u0000${keyword.trim()}`, problemAt(origin.source, at, ''));
      if (/^[\d\s\p{P}]*$/u.test(keyword)) {
        warnings.push(problemAt(origin.source, at, `keyword "${keyword}" of ${name} is only a number, and every number reads the same to the recogniser: it is left out (write it in words)`));
        return;
      }
      const decided = recogniser.keywordDeciding(keyword);
      if (decided === null || decided.intent === name) return;
      const message =
        decided.keyword.toLowerCase() === keyword.trim().toLowerCase()
          ? `keyword "${keyword}" is given to both ${name} and ${decided.intent}: a message with it gets ${decided.intent}`
          : `keyword "${keyword}" of ${name} is taken by the keyword "${decided.keyword}" of ${decided.intent}: a message with it gets ${decided.intent}`;
      warnings.push(problemAt(origin.source, at, message));
    });
  }

  // Base examples, counted per (keyword, intent it takes them from).
  const taken = new Map<string, { keyword: string; owner: string; from: string; count: number; sample: string }>();
  for (const example of baseExamples) {
    const decided = recogniser.keywordDeciding(example.text);
    if (decided === null || decided.intent === example.intent || example.intent === 'out_of_scope') continue;
    const key = `${decided.intent}\u0000${decided.keyword}\u0000${example.intent}`;
    const entry = taken.get(key);
    if (entry) entry.count += 1;
    else taken.set(key, { keyword: decided.keyword, owner: decided.intent, from: example.intent, count: 1, sample: example.text });
  }
  for (const { keyword, owner, from, count, sample } of taken.values()) {
    const at = keywordOrigins.get(`${owner}\u0000${keyword}`);
    if (!at) continue;
    const examples = count === 1 ? 'example' : 'examples';
    warnings.push({ ...at, message: `keyword "${keyword}" of ${owner} decides ${count} ${examples} the shipped base gives ${from}, e.g. "${sample}": buyers who write them get ${owner}` });
  }
  return warnings;
}
