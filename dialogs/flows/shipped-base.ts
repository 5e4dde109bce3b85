// The e-commerce base every shop starts with: example phrases per intent, written the way buyers
// type, shipped with Kefu in base/intents/*.yaml (not part of any shop's flows folder). A shop's
// flows add to it and override it; the rules (docs/nlu.md, "The shipped base"):
//
// 1. The base teaches only intents the shop defines: an intent the shop does not have starts no
//    flow, so its base examples would only pull messages away from the shop's own intents.
//    The one exception is `out_of_scope`, the base's examples of what a shop does not handle
//    (chit-chat, logins, other trades, bare numbers), learned as a class of its own.
// 2. A shop turns the base of one intent off with `base: false` on its intent (out_of_scope too,
//    by defining an `out_of_scope` intent with `base: false`).
// 3. The shop's word is final: a base example that the shop lists under another intent is left
//    out of the base (compared after normalisation, so Traditional and Simplified are the same).
//
// Base files are checked like flow files (schema, `file:line:col`), against base.schema.json.

import { readdir } from 'node:fs/promises';
import path from 'node:path';
import schema from './base.schema.json' with { type: 'json' };
import { normaliseText } from '../understanding/text-features.ts';
import { OUT_OF_SCOPE_INTENT, type TrainingExample } from '../understanding/intent-recogniser.ts';
import { sortProblems, type Problem } from './problems.ts';
import { compileSchema, schemaProblems } from './schema-check.ts';
import { problemAt, readYamlSource } from './yaml-source.ts';

/** The base shipped with Kefu (the repository's top-level base/ folder). */
export const SHIPPED_BASE_DIR = path.resolve(import.meta.dirname, '../../base');
const INTENTS_FOLDER = 'intents';
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const validateBaseFile = compileSchema(schema);

export interface ShippedBase {
  /** Every example of the base, in file order. */
  examples: TrainingExample[];
  /** The files read. */
  files: string[];
}

export type BaseLoadResult = { ok: true; base: ShippedBase } | { ok: false; problems: Problem[] };

/** How a shop's own intents bear on the base. */
export interface ShopIntents {
  /** The shop's examples (every intent, out_of_scope included). */
  examples: readonly TrainingExample[];
  /** Every intent the shop defines, with whether it takes the base (`base: false` turns it off). */
  usesBase: ReadonlyMap<string, boolean>;
}

export const EMPTY_BASE: ShippedBase = { examples: [], files: [] };

/**
 * Reads `dir/intents/*.yaml`. A folder without `intents/` is an empty base (a deployment may ship
 * none); any file that does not parse or has the wrong shape makes the whole base invalid, with
 * every problem listed.
 */
export async function loadShippedBase(dir: string, display: (file: string) => string = (f) => f): Promise<BaseLoadResult> {
  const folder = path.join(dir, INTENTS_FOLDER);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, base: EMPTY_BASE };
    return { ok: false, problems: [{ file: display(folder), line: 1, col: 1, message: `cannot read the base: ${(error as Error).message}` }] };
  }
  const problems: Problem[] = [];
  const examples: TrainingExample[] = [];
  const files: string[] = [];
  // Where each normalised example was first seen: the same phrasing under two intents of the base
  // teaches both and neither.
  const firstSeen = new Map<string, { intent: string; at: string }>();
  for (const name of names) {
    const file = path.join(folder, name);
    const shown = display(file);
    files.push(file);
    const { source, problems: readProblems } = await readYamlSource(file, shown, MAX_FILE_BYTES);
    problems.push(...readProblems);
    if (!source) continue;
    const shape = schemaProblems(validateBaseFile, source);
    problems.push(...shape);
    if (shape.length > 0) continue;
    const intents = (source.data as { intents?: Record<string, { examples: { zh?: string[]; en?: string[] } }> }).intents ?? {};
    for (const [intent, definition] of Object.entries(intents)) {
      for (const language of ['zh', 'en'] as const) {
        (definition.examples[language] ?? []).forEach((text, i) => {
          const key = normaliseText(text);
          if (key === '') {
            problems.push(problemAt(source, ['intents', intent, 'examples', language, i], 'example has no words left after normalisation (only punctuation or emoji)'));
            return;
          }
          const { line, col } = problemAt(source, ['intents', intent, 'examples', language, i], '');
          const seen = firstSeen.get(key);
          if (seen && seen.intent !== intent) {
            problems.push(problemAt(source, ['intents', intent, 'examples', language, i], `example "${text}" is also an example of intent "${seen.intent}" at ${seen.at}`));
            return;
          }
          if (!seen) firstSeen.set(key, { intent, at: `${shown}:${line}:${col}` });
          examples.push({ text, intent });
        });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  return { ok: true, base: { examples, files } };
}

/** The examples the recogniser trains on: the shop's own, plus the base as the rules above allow. */
export function withShippedBase(shop: ShopIntents, base: ShippedBase): TrainingExample[] {
  const shopIntentOf = new Map<string, string>();
  for (const example of shop.examples) shopIntentOf.set(normaliseText(example.text), example.intent);
  const takes = (intent: string): boolean =>
    intent === OUT_OF_SCOPE_INTENT ? shop.usesBase.get(intent) !== false : shop.usesBase.get(intent) === true;
  const fromBase = base.examples.filter((example) => {
    if (!takes(example.intent)) return false;
    const shopIntent = shopIntentOf.get(normaliseText(example.text));
    return shopIntent === undefined || shopIntent === example.intent;
  });
  return [...shop.examples, ...fromBase];
}

/** How many base examples each intent has (for the check that an intent has something to learn from). */
export function baseExampleCounts(base: ShippedBase): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of base.examples) counts.set(e.intent, (counts.get(e.intent) ?? 0) + 1);
  return counts;
}
