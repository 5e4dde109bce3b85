// Loads a folder of flow files into a FlowSet the engine runs: parse each YAML file (keeping
// positions), check it against the schema, merge the files, run the cross-file checks, train the
// recogniser on the shop's examples and the shipped base (shipped-base.ts says how they combine). Either everything is valid and a FlowSet comes out, or nothing does and every
// problem is listed: a bad edit never half-applies.

import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import schema from './flows.schema.json' with { type: 'json' };
import type { ActionDefinition } from '../actions/action-types.ts';
import { IntentRecogniser, type TrainingExample } from '../understanding/intent-recogniser.ts';
import { checkFlows, triggersOf, variationsOf, type CollectedFlows } from './check-flows.ts';
import { checkVocabulary } from './check-vocabulary.ts';
import { checkChips, chipsByPage, type ChipFile } from './flow-chips.ts';
import { gatherBuyerTags, type BuyerTagFile } from './flow-buyer-tags.ts';
import type { BuyerTagRules } from '../buyers/buyer-tags.ts';
import type { ChipsByPage } from '../shopping/page-chips.ts';
import { baseExampleCounts, loadShippedBase, SHIPPED_BASE_DIR, withShippedBase, type ShippedBase } from './shipped-base.ts';
import { compileExpression, type CompiledExpression } from './expressions.ts';
import { expandIntentAnswers } from './intent-answers.ts';
import { keywordCaptures } from './keyword-captures.ts';
import type { FlowDefinition, FlowFile, IntentDefinition, ResponseVariation } from './flow-types.ts';
import { sortProblems, type Problem } from './problems.ts';
import { compileSchema, schemaProblems } from './schema-check.ts';
import type { Vocabulary, VocabularyPart } from './vocabulary.ts';
import { problemAt, readYamlSource } from './yaml-source.ts';

const validateFlowFile = compileSchema(schema);
const MAX_FILE_BYTES = 1024 * 1024;
/** Conversation tests live beside the flows but are not flows. */
export const TESTS_FOLDER = 'tests';

export interface FlowSet {
  readonly intents: ReadonlyMap<string, IntentDefinition>;
  readonly responses: ReadonlyMap<string, ResponseVariation[]>;
  readonly flows: ReadonlyMap<string, FlowDefinition>;
  /** Which flow an intent starts. */
  readonly flowByIntent: ReadonlyMap<string, string>;
  readonly recogniser: IntentRecogniser;
  /** Every example text the recogniser learned from (the flows' and the shipped base's). */
  readonly trainingTexts: readonly string[];
  readonly actions: ReadonlyMap<string, ActionDefinition>;
  /** The shop's words that actions use (the `vocabulary:` parts of the files). */
  readonly vocabulary: Vocabulary;
  /** Question chips by page (the `chips:` parts of the files, in file order). */
  readonly chips: ChipsByPage;
  /** Buyer tags' rules by tag (the `buyer_tags:` parts, docs/buyer-tags.md). */
  readonly buyerTags: BuyerTagRules;
  /** Changes whenever the flow's definition changes (a stored position is only valid for its version). */
  fingerprint(flowName: string): string;
  /** A compiled expression of the flow set (compiled once, then cached). */
  expression(source: string | number | boolean): CompiledExpression;
  /** The files it was loaded from, for the log and the watcher. */
  readonly files: readonly string[];
  /** The shipped base's files the recogniser also learned from. */
  readonly baseFiles: readonly string[];
}

export interface LoadFlowsOptions {
  actions: readonly ActionDefinition[];
  /** null or absent: the recogniser's default (intent-recogniser.ts). */
  nluThreshold?: number | null;
  /** How file names appear in problems; defaults to relative to the working directory. */
  displayPath?: (file: string) => string;
  /** The e-commerce base to learn from besides the flows: a folder with intents/*.yaml, or false for none. Default: the shipped base/. */
  base?: string | false;
}

/** `warnings`: what loads but is likely not meant (keyword-captures.ts); `flows validate` prints them. */
export type LoadResult = { ok: true; flowSet: FlowSet; warnings: Problem[] } | { ok: false; problems: Problem[] };

export async function listFlowFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string, depth: number): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!(depth === 0 && entry.name === TESTS_FOLDER)) await walk(full, depth + 1);
      } else if (/\.ya?ml$/.test(entry.name)) {
        found.push(full);
      }
    }
  };
  await walk(dir, 0);
  return found;
}

function defaultDisplayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

export async function loadFlows(dir: string, options: LoadFlowsOptions): Promise<LoadResult> {
  const display = options.displayPath ?? defaultDisplayPath;
  const problems: Problem[] = [];
  let files: string[];
  try {
    files = await listFlowFiles(dir);
  } catch (error) {
    return { ok: false, problems: [{ file: display(dir), line: 1, col: 1, message: `cannot read flows folder: ${(error as Error).message}` }] };
  }
  if (files.length === 0) {
    return { ok: false, problems: [{ file: display(dir), line: 1, col: 1, message: 'no .yaml flow files in this folder' }] };
  }

  let base: ShippedBase = { examples: [], files: [] };
  if (options.base !== false) {
    const loadedBase = await loadShippedBase(options.base ?? SHIPPED_BASE_DIR, display);
    if (!loadedBase.ok) problems.push(...loadedBase.problems);
    else base = loadedBase.base;
  }

  const collected: CollectedFlows = { intents: new Map(), responses: new Map(), flows: new Map(), vocabulary: new Map() };
  const chipFiles: ChipFile[] = [];
  const tagFiles: BuyerTagFile[] = [];
  for (const file of files) {
    const shown = display(file);
    const { source, problems: readProblems } = await readYamlSource(file, shown, MAX_FILE_BYTES);
    problems.push(...readProblems);
    if (!source) continue; // too large, unreadable, or empty (an empty file is allowed)
    const shapeProblems = schemaProblems(validateFlowFile, source);
    problems.push(...shapeProblems);
    if (shapeProblems.length > 0) continue;
    const data = source.data as FlowFile;
    for (const section of ['intents', 'responses', 'flows'] as const) {
      const target = collected[section] as Map<string, { definition: unknown; origin: { source: typeof source; path: (string | number)[] } }>;
      for (const [name, definition] of Object.entries(data[section] ?? {})) {
        const existing = target.get(name);
        if (existing) {
          const { line, col } = problemAt(existing.origin.source, existing.origin.path, '', true);
          problems.push(problemAt(source, [section, name], `${section.slice(0, -1)} "${name}" is already defined at ${existing.origin.source.file}:${line}:${col}`, true));
          continue;
        }
        target.set(name, { definition, origin: { source, path: [section, name] } });
      }
    }
    // Vocabulary parts are defined once each, like intents and responses.
    for (const [part, definition] of Object.entries(data.vocabulary ?? {}) as [VocabularyPart, unknown][]) {
      const existing = collected.vocabulary.get(part);
      if (existing) {
        const { line, col } = problemAt(existing.origin.source, existing.origin.path, '', true);
        problems.push(problemAt(source, ['vocabulary', part], `vocabulary "${part}" is already defined at ${existing.origin.source.file}:${line}:${col}`, true));
        continue;
      }
      collected.vocabulary.set(part, { definition, origin: { source, path: ['vocabulary', part] } });
    }
    if (data.chips) chipFiles.push({ source, chips: data.chips });
    if (data.buyer_tags) tagFiles.push({ source, tags: data.buyer_tags });
  }
  // Cross-file checks only make sense once every file parsed and has the right shape.
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };

  const answerProblems = expandIntentAnswers(collected);
  if (answerProblems.length > 0) return { ok: false, problems: sortProblems(answerProblems) };
  const actions = new Map(options.actions.map((a) => [a.name, a]));
  const buyerTags = gatherBuyerTags(tagFiles, collected.intents);
  const checkProblems = [...checkFlows(collected, actions, baseExampleCounts(base)), ...checkVocabulary(collected, actions), ...checkChips(chipFiles, collected.intents), ...buyerTags.problems];
  if (checkProblems.length > 0) return { ok: false, problems: sortProblems(checkProblems) };

  const flowSet = buildFlowSet(collected, actions, files, base, options.nluThreshold ?? undefined, chipsByPage(chipFiles), buyerTags.rules);
  const baseInUse = base.examples.filter((e) => collected.intents.get(e.intent)?.definition.base !== false && collected.intents.has(e.intent));
  return { ok: true, flowSet, warnings: sortProblems(keywordCaptures(collected, flowSet.recogniser, baseInUse)) };
}

function buildFlowSet(
  collected: CollectedFlows,
  actions: ReadonlyMap<string, ActionDefinition>,
  files: string[],
  base: ShippedBase,
  threshold: number | undefined,
  chips: ChipsByPage,
  buyerTags: BuyerTagRules,
): FlowSet {
  const intents = new Map([...collected.intents].map(([name, { definition }]) => [name, definition]));
  const flows = new Map([...collected.flows].map(([name, { definition }]) => [name, definition]));
  const responses = new Map([...collected.responses].map(([name, { definition }]) => [name, variationsOf(definition)]));
  const vocabulary = Object.fromEntries([...collected.vocabulary].map(([part, { definition }]) => [part, definition])) as Vocabulary;
  const flowByIntent = new Map<string, string>();
  for (const [name, flow] of flows) for (const intent of triggersOf(flow)) flowByIntent.set(intent, name);

  const shopExamples: TrainingExample[] = [];
  const keywords: Record<string, string[]> = {};
  for (const [name, intent] of intents) {
    for (const text of [...(intent.examples.zh ?? []), ...(intent.examples.en ?? [])]) shopExamples.push({ text, intent: name });
    if (intent.keywords?.length) keywords[name] = intent.keywords;
  }
  const usesBase = new Map([...intents].map(([name, intent]) => [name, intent.base !== false]));
  const examples = withShippedBase({ examples: shopExamples, usesBase }, base);
  const recogniser = IntentRecogniser.train(examples, { threshold, keywords });

  const fingerprints = new Map(
    [...flows].map(([name, flow]) => [name, createHash('sha256').update(JSON.stringify(flow)).digest('base64url').slice(0, 12)]),
  );
  const compiled = new Map<string, CompiledExpression>();
  return {
    intents,
    responses,
    flows,
    flowByIntent,
    recogniser,
    trainingTexts: examples.map((e) => e.text),
    actions,
    vocabulary,
    chips,
    buyerTags,
    files,
    baseFiles: base.files,
    fingerprint: (flowName) => fingerprints.get(flowName) ?? '',
    expression(source) {
      const key = String(source);
      let expression = compiled.get(key);
      if (!expression) {
        expression = compileExpression(key);
        compiled.set(key, expression);
      }
      return expression;
    },
  };
}
