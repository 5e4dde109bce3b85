// The `chips:` parts of the flow files (question chips by page, dialogs/shopping/page-chips.ts):
// gathered per page kind in file order, and checked like buttons are: a payload "/name" must name
// an intent of the shop (or a built-in payload), reported at the payload's line and column.

import type { ChipDefinition, ChipListName, ChipsByPage } from '../shopping/page-chips.ts';
import { BUILT_IN_PAYLOADS } from './check-flows.ts';
import type { FlowFile } from './flow-types.ts';
import type { Problem } from './problems.ts';
import { problemAt, type YamlSource } from './yaml-source.ts';

export interface ChipFile {
  source: YamlSource;
  chips: NonNullable<FlowFile['chips']>;
}

export function checkChips(files: readonly ChipFile[], intents: ReadonlyMap<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const { source, chips } of files) {
    for (const [page, list] of Object.entries(chips) as [ChipListName, ChipDefinition[]][]) {
      list.forEach((chip, index) => {
        if (!chip.payload.startsWith('/')) return;
        const intent = chip.payload.slice(1).split('{')[0]!;
        if (intents.has(intent) || (BUILT_IN_PAYLOADS as readonly string[]).includes(chip.payload)) return;
        problems.push(problemAt(source, ['chips', page, index, 'payload'], `chip payload "${chip.payload}" names no intent`));
      });
    }
  }
  return problems;
}

export function chipsByPage(files: readonly ChipFile[]): ChipsByPage {
  const byPage = new Map<ChipListName, ChipDefinition[]>();
  for (const { chips } of files) {
    for (const [page, list] of Object.entries(chips) as [ChipListName, ChipDefinition[]][]) byPage.set(page, [...(byPage.get(page) ?? []), ...list]);
  }
  return byPage;
}
