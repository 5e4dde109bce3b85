// Adds example phrases to an intent inside a merchant's YAML file, changing nothing else: every
// byte outside the inserted text stays as it was (comments, blank lines, quoting, flow or block
// lists, line widths). The yaml package's Document API finds where the lists are (node ranges);
// the new items are spliced into the text there, in the list's own style. Re-stringifying the whole
// document would also keep comments, but it re-wraps long lines and re-spaces flow lists, which
// would turn a one-line change into a noisy diff of the merchant's file.

import { isMap, isScalar, isSeq, parse, parseDocument, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

export type ExampleLanguage = 'zh' | 'en';

export type AddExamplesResult = { ok: true; text: string } | { ok: false; message: string };

function isBlank(text: string): boolean {
  return /^[ \t]*$/.test(text);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the newline that ends the node's last line (or the text's end). */
function afterLastLine(text: string, node: unknown): number {
  let last: unknown = node;
  for (;;) {
    if ((isMap(last) || isSeq(last)) && !last.flow && last.items.length > 0) {
      const item = last.items[last.items.length - 1] as unknown;
      last = isMap(last) ? ((item as Pair).value ?? (item as Pair).key) : item;
    } else break;
  }
  const end = (last as Node).range?.[1] ?? text.length;
  const newline = text.indexOf('\n', end);
  return newline === -1 ? text.length : newline + 1;
}

/** The scalar as YAML source that reads back as exactly `value`, in block or flow context. */
export function scalarSource(value: string, context: 'block' | 'flow'): string {
  try {
    const plainReadsBack = context === 'flow' ? parse(`[${value}]`)?.[0] === value : parse(`- ${value}`)?.[0] === value;
    if (plainReadsBack && !value.includes('#') && value.trim() === value) return value;
  } catch {
    // not valid as a plain scalar: quoted below
  }
  return JSON.stringify(value);
}

function insert(text: string, at: number, piece: string): string {
  return text.slice(0, at) + piece + text.slice(at);
}

/** Appends `values` to a list node in its own style. */
function appendToSeq(text: string, seq: YAMLSeq, values: string[]): AddExamplesResult {
  const range = seq.range!;
  if (seq.flow) {
    const items = seq.items as Node[];
    const pieces = values.map((v) => scalarSource(v, 'flow'));
    if (items.length === 0) {
      const open = text.indexOf('[', range[0]);
      return { ok: true, text: insert(text, open + 1, pieces.join(', ')) };
    }
    return { ok: true, text: insert(text, items[items.length - 1]!.range![1], pieces.map((p) => `, ${p}`).join('')) };
  }
  const items = seq.items as Node[];
  const lastItem = items[items.length - 1]!;
  const prefix = text.slice(lineStart(text, lastItem.range![0]), lastItem.range![0]);
  if (!/^[ \t]*-[ \t]+$/.test(prefix)) return { ok: false, message: 'the examples list has a layout Kefu cannot extend safely; add the examples by hand' };
  let at = afterLastLine(text, seq);
  let result = text;
  if (at === result.length && !result.endsWith('\n')) {
    result += '\n';
    at = result.length;
  }
  return { ok: true, text: insert(result, at, values.map((v) => `${prefix}${scalarSource(v, 'block')}\n`).join('')) };
}

/** Adds `languages`' lists as a new key of the examples map (block style: a flow list on one line). */
function addLanguageKey(text: string, examples: YAMLMap, language: ExampleLanguage, values: string[]): AddExamplesResult {
  const list = `[${values.map((v) => scalarSource(v, 'flow')).join(', ')}]`;
  if (examples.flow) {
    const last = examples.items[examples.items.length - 1] as Pair | undefined;
    const end = ((last?.value ?? last?.key) as Node | undefined)?.range?.[1];
    if (end === undefined) return { ok: false, message: 'the examples map is empty; add the examples by hand' };
    return { ok: true, text: insert(text, end, `, ${language}: ${list}`) };
  }
  const firstKey = (examples.items[0] as Pair).key as Node;
  const indent = text.slice(lineStart(text, firstKey.range![0]), firstKey.range![0]);
  if (!isBlank(indent)) return { ok: false, message: 'the examples map has a layout Kefu cannot extend safely; add the examples by hand' };
  let at = afterLastLine(text, examples);
  let result = text;
  if (at === result.length && !result.endsWith('\n')) {
    result += '\n';
    at = result.length;
  }
  return { ok: true, text: insert(result, at, `${indent}${language}: ${list}\n`) };
}

/**
 * The file's text with `additions` appended to intent `intent`'s examples (zh and/or en).
 * Fails with a message when the file does not define the intent as expected.
 */
export function addIntentExamples(text: string, intent: string, additions: Partial<Record<ExampleLanguage, string[]>>): AddExamplesResult {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) return { ok: false, message: `the file does not parse: ${doc.errors[0]!.message.split('\n')[0]}` };
  let result = text;
  // Later positions first, so earlier offsets stay valid: re-parse after each language instead.
  for (const language of ['zh', 'en'] as const) {
    const values = additions[language] ?? [];
    if (values.length === 0) continue;
    const current = parseDocument(result);
    const examples = current.getIn(['intents', intent, 'examples'], true);
    if (!isMap(examples)) return { ok: false, message: `intent "${intent}" has no examples map in this file` };
    const list = examples.get(language, true);
    const step = isSeq(list)
      ? appendToSeq(result, list, values)
      : list === undefined || (isScalar(list) && list.value === null)
        ? list === undefined
          ? addLanguageKey(result, examples, language, values)
          : { ok: false as const, message: `intent "${intent}" has an empty "${language}:"; add the examples by hand` }
        : { ok: false as const, message: `intent "${intent}": examples.${language} is not a list` };
    if (!step.ok) return step;
    result = step.text;
  }
  return { ok: true, text: result };
}
