// Reads labelled messages for training and measuring the intent recogniser, from either of the two
// shapes they come in:
// - a CSV file with the header `text,intent` (the public intent datasets, a merchant's chat export),
//   parsed by csv-parse, so quoted fields with commas, quotes and line breaks read correctly;
// - an intents YAML file, or a folder of them, in the flows' format (`intents: {name: {examples:
//   {zh: [...], en: [...]}, keywords: [...]}}`): the merchant's own taxonomy, keywords included.
// Rows labelled `oos` or `out_of_scope` are out of scope: they belong to no intent.
// A folder of flows is read with the shipped base (base/intents/*.yaml) merged in, by the same
// rules as the bot's loader (dialogs/flows/shipped-base.ts), so what is measured is what the bot
// learns; a CSV file or a single YAML file is read as it is.
//
// Every problem is a LabelledExamplesError with a message that names the file and what is wrong,
// so the CLI can print it as it is.

import { readFile, stat } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { listFlowFiles } from '../flows/load-flows.ts';
import { formatProblem } from '../flows/problems.ts';
import { loadShippedBase, SHIPPED_BASE_DIR, withShippedBase } from '../flows/shipped-base.ts';
import type { TrainingExample } from './intent-recogniser.ts';

/** The labels that mean "none of the intents". */
export const OUT_OF_SCOPE_LABELS: ReadonlySet<string> = new Set(['oos', 'out_of_scope']);

/** Larger files are refused: CLINC150's biggest split is under 1 MB. */
export const MAX_DATASET_BYTES = 50 * 1024 * 1024;

export interface LabelledExamples {
  examples: TrainingExample[];
  /** Keywords per intent (only intents YAML files have them). */
  keywords: Record<string, string[]>;
  /** The files read, for the report. */
  files: string[];
  /**
   * Whether the out-of-scope rows are meant to be learned as a class (the flows' and the base's
   * `out_of_scope` examples are; a dataset's `oos` rows are test material unless asked for).
   */
  learnsOutOfScope: boolean;
  /** How many of `examples` came from the shipped base. */
  baseExamples: number;
}

export interface ReadOptions {
  /** For a folder of flows: the base folder to merge in, or false for none. Default: the shipped base. */
  base?: string | false;
}

export class LabelledExamplesError extends Error {
  override name = 'LabelledExamplesError';
}

export function isOutOfScope(intent: string): boolean {
  return OUT_OF_SCOPE_LABELS.has(intent.trim().toLowerCase());
}

/** Reads a CSV file, an intents YAML file or a folder of intents YAML files. */
export async function readLabelledExamples(location: string, options: ReadOptions = {}): Promise<LabelledExamples> {
  let info;
  try {
    info = await stat(location);
  } catch {
    throw new LabelledExamplesError(`${location}: no such file or folder`);
  }
  if (info.isDirectory()) return readIntentsFolder(location, options.base ?? SHIPPED_BASE_DIR);
  if (/\.ya?ml$/i.test(location)) {
    const { examples, keywords } = await readIntentsFile(location);
    if (examples.length === 0) throw new LabelledExamplesError(`${location}: no intent examples in this file`);
    return { examples, keywords, files: [location], learnsOutOfScope: true, baseExamples: 0 };
  }
  return { examples: await readCsvFile(location), keywords: {}, files: [location], learnsOutOfScope: false, baseExamples: 0 };
}

async function readText(file: string): Promise<string> {
  const info = await stat(file);
  if (info.size > MAX_DATASET_BYTES) throw new LabelledExamplesError(`${file}: larger than ${MAX_DATASET_BYTES} bytes`);
  const text = await readFile(file, 'utf8');
  // A byte-order mark (spreadsheet exports) would become part of the first column's name.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parseCsvExamples(source: string, file: string): TrainingExample[] {
  if (source.trim() === '') throw new LabelledExamplesError(`${file}: the file is empty`);
  let rows: Record<string, unknown>[];
  try {
    rows = parseCsv(source, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, relax_column_count: false });
  } catch (error) {
    throw new LabelledExamplesError(`${file}: not a valid CSV file: ${(error as Error).message}`);
  }
  const header = Object.keys(rows[0] ?? {});
  if (rows.length === 0) {
    // csv-parse gives no rows for a header alone; check the header is right before saying "no rows".
    const first = source.split(/\r?\n/, 1)[0]!.toLowerCase();
    if (!/(^|,)\s*text\s*(,|$)/.test(first) || !/(^|,)\s*intent\s*(,|$)/.test(first)) {
      throw new LabelledExamplesError(`${file}: the header must name the columns "text" and "intent" (found: ${first.slice(0, 80)})`);
    }
    throw new LabelledExamplesError(`${file}: no rows after the header`);
  }
  if (!header.includes('text') || !header.includes('intent')) {
    throw new LabelledExamplesError(`${file}: the header must name the columns "text" and "intent" (found: ${header.join(',').slice(0, 80)})`);
  }
  const examples: TrainingExample[] = [];
  rows.forEach((row, i) => {
    const text = String(row.text ?? '');
    const intent = String(row.intent ?? '').trim();
    // Line numbers count the header; a row with a blank label is a mistake worth naming.
    if (intent === '') throw new LabelledExamplesError(`${file}: row ${i + 2} has no intent`);
    if (text.trim() === '') return;
    examples.push({ text, intent });
  });
  if (examples.length === 0) throw new LabelledExamplesError(`${file}: no rows with text`);
  return examples;
}

async function readCsvFile(file: string): Promise<TrainingExample[]> {
  return parseCsvExamples(await readText(file), file);
}

interface IntentsRead {
  examples: TrainingExample[];
  keywords: Record<string, string[]>;
  /** Every intent defined, with whether it takes the base (`base: false` turns it off). */
  usesBase: Map<string, boolean>;
}

async function readIntentsFile(file: string): Promise<IntentsRead> {
  let data: unknown;
  try {
    data = parseYaml(await readText(file));
  } catch (error) {
    throw new LabelledExamplesError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const examples: TrainingExample[] = [];
  const keywords: Record<string, string[]> = {};
  const usesBase = new Map<string, boolean>();
  if (data === null || data === undefined) return { examples, keywords, usesBase };
  if (typeof data !== 'object' || Array.isArray(data)) throw new LabelledExamplesError(`${file}: expected a mapping with an "intents" section`);
  const intents = (data as { intents?: unknown }).intents;
  if (intents === undefined) return { examples, keywords, usesBase };
  if (intents === null || typeof intents !== 'object' || Array.isArray(intents)) {
    throw new LabelledExamplesError(`${file}: "intents" must map intent names to their examples`);
  }
  for (const [name, definition] of Object.entries(intents as Record<string, unknown>)) {
    const lists = (definition as { examples?: Record<string, unknown> } | null)?.examples;
    for (const language of ['zh', 'en']) {
      const list = lists?.[language];
      if (list === undefined) continue;
      if (!Array.isArray(list)) throw new LabelledExamplesError(`${file}: intents.${name}.examples.${language} must be a list`);
      for (const text of list) if (typeof text === 'string' && text.trim() !== '') examples.push({ text, intent: name });
    }
    const words = (definition as { keywords?: unknown } | null)?.keywords;
    if (Array.isArray(words)) keywords[name] = words.filter((w): w is string => typeof w === 'string');
    usesBase.set(name, (definition as { base?: unknown } | null)?.base !== false);
  }
  return { examples, keywords, usesBase };
}

async function readIntentsFolder(dir: string, baseDir: string | false): Promise<LabelledExamples> {
  // The same files the bot loads its flows from (tests/ left out).
  const files = await listFlowFiles(dir);
  const examples: TrainingExample[] = [];
  const keywords: Record<string, string[]> = {};
  const usesBase = new Map<string, boolean>();
  for (const file of files) {
    const read = await readIntentsFile(file);
    examples.push(...read.examples);
    for (const [intent, words] of Object.entries(read.keywords)) keywords[intent] = [...(keywords[intent] ?? []), ...words];
    for (const [intent, uses] of read.usesBase) usesBase.set(intent, uses && usesBase.get(intent) !== false);
  }
  if (examples.length === 0) throw new LabelledExamplesError(`${dir}: no intent examples in any .yaml file of this folder`);
  if (baseDir === false) return { examples, keywords, files, learnsOutOfScope: true, baseExamples: 0 };
  const loaded = await loadShippedBase(baseDir);
  if (!loaded.ok) throw new LabelledExamplesError(`the shipped base has problems:\n${loaded.problems.map(formatProblem).join('\n')}`);
  const merged = withShippedBase({ examples, usesBase }, loaded.base);
  return { examples: merged, keywords, files: [...files, ...loaded.base.files], learnsOutOfScope: true, baseExamples: merged.length - examples.length };
}
