// The `buyer_tags:` parts of the flow files (dialogs/buyers/buyer-tags.ts): gathered in file order,
// each tag defined once, and checked like chips are: an intent a rule counts must be an intent of the
// shop, reported at its line and column.

import type { BuyerTagRule } from '../buyers/buyer-tags.ts';
import type { FlowFile } from './flow-types.ts';
import type { Problem } from './problems.ts';
import { problemAt, type YamlSource } from './yaml-source.ts';

export interface BuyerTagFile {
  source: YamlSource;
  tags: NonNullable<FlowFile['buyer_tags']>;
}

export function gatherBuyerTags(files: readonly BuyerTagFile[], intents: ReadonlyMap<string, unknown>): { rules: Map<string, BuyerTagRule>; problems: Problem[] } {
  const rules = new Map<string, BuyerTagRule>();
  const where = new Map<string, YamlSource>();
  const problems: Problem[] = [];
  for (const { source, tags } of files) {
    for (const [name, rule] of Object.entries(tags)) {
      const first = where.get(name);
      if (first) {
        const { line, col } = problemAt(first, ['buyer_tags', name], '', true);
        problems.push(problemAt(source, ['buyer_tags', name], `buyer tag "${name}" is already defined at ${first.file}:${line}:${col}`, true));
        continue;
      }
      (rule.when.intents ?? []).forEach((intent, index) => {
        if (!intents.has(intent)) problems.push(problemAt(source, ['buyer_tags', name, 'when', 'intents', index], `buyer tag "${name}" counts intent "${intent}", which is not defined`));
      });
      where.set(name, source);
      rules.set(name, rule);
    }
  }
  return { rules, problems };
}
