// The suggestions-as-you-type part of `npm run bench`: how long GET /webchat/suggest's matching takes
// a keystroke on the demo flows, side by side with a floor that does the bare minimum (a substring
// scan of the same questions), for every prefix a buyer types on the way to each question: its
// Chinese in both scripts, its English, and its pinyin initials. In this process, no HTTP: the route
// adds only Fastify's fixed cost, which the main bench already measures.

import { pinyin } from 'pinyin-pro';
import { builtInActions } from '../dialogs/actions/index.ts';
import { loadFlows } from '../dialogs/flows/load-flows.ts';
import { LANGUAGES } from '../dialogs/messages.ts';
import { suggestionIndexOf } from '../dialogs/shopping/typing-suggestions.ts';

const TARGET_P99_MS = 5;
const ROUNDS = 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function timeEach(queries: readonly string[], run: (query: string) => unknown): number[] {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const query of queries) {
      const started = process.hrtime.bigint();
      run(query);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return times.sort((a, b) => a - b);
}

export async function benchTypingSuggestions(): Promise<string[]> {
  const loaded = await loadFlows('flows', { actions: builtInActions });
  if (!loaded.ok) throw new Error('the demo flows do not load');
  const chips = loaded.flowSet.chips;
  const index = suggestionIndexOf(chips);
  const titles = [...chips.values()].flat().flatMap((chip) => LANGUAGES.map((language) => chip.title[language].toLowerCase()));
  const queries = new Set<string>();
  for (const chip of [...chips.values()].flat()) {
    for (const title of [...LANGUAGES.map((language) => chip.title[language]), pinyin(chip.title['zh-Hans'], { pattern: 'first', toneType: 'none', separator: '' })]) {
      for (let end = 1; end <= title.length; end++) queries.add(title.slice(0, end));
    }
  }
  const list = [...queries];
  // Warm-up, so the JIT has compiled both before they are timed.
  timeEach(list, (query) => index.suggest(query, 'zh-Hans'));
  timeEach(list, (query) => titles.filter((title) => title.includes(query.toLowerCase())).slice(0, 5));
  const kefu = timeEach(list, (query) => index.suggest(query, 'zh-Hans'));
  const floor = timeEach(list, (query) => titles.filter((title) => title.includes(query.toLowerCase())).slice(0, 5));
  const us = (ms: number): string => `${(ms * 1000).toFixed(1)} µs`;
  const kefuP99 = percentile(kefu, 0.99);
  return [
    `typing suggestions: ${list.length} typed prefixes x ${ROUNDS} over ${index.size} questions (in process)`,
    `  kefu  p50 ${us(percentile(kefu, 0.5))}  p99 ${us(kefuP99)}  max ${us(kefu.at(-1)!)}`,
    `  floor p50 ${us(percentile(floor, 0.5))}  p99 ${us(percentile(floor, 0.99))}  (substring scan of the same titles)`,
    `  p99 < ${TARGET_P99_MS} ms ${kefuP99 < TARGET_P99_MS ? 'met' : 'missed'}; p99 floor / kefu: ${(percentile(floor, 0.99) / kefuP99).toFixed(2)}`,
  ];
}
