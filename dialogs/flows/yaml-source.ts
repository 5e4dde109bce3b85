// A YAML file parsed with positions kept, so any later check can point at the exact line and
// column of the value (or key) it complains about. Uses the `yaml` package's document API.
// The one YAML reader of the house: flows, the shipped base, catalog files and the configuration.

import { readFile, stat } from 'node:fs/promises';
import { LineCounter, isMap, isScalar, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Problem } from './problems.ts';

export type YamlPath = ReadonlyArray<string | number>;

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  data: unknown;
  lineCounter: LineCounter;
}

/**
 * Reads and parses one YAML file, refusing one larger than `maxBytes` (a problem at line 1). `shown` is
 * the name problems give the file. The source is null when the file is too large, cannot be parsed or
 * is empty (an empty file is not a problem in itself).
 */
export async function readYamlSource(file: string, shown: string, maxBytes: number): Promise<{ source: YamlSource | null; problems: Problem[] }> {
  if ((await stat(file)).size > maxBytes) {
    return { source: null, problems: [{ file: shown, line: 1, col: 1, message: `file is larger than ${maxBytes} bytes` }] };
  }
  const parsed = parseYamlSource(shown, await readFile(file, 'utf8'));
  const empty = parsed.source?.data === null || parsed.source?.data === undefined;
  return { source: empty ? null : parsed.source, problems: parsed.problems };
}

export function parseYamlSource(file: string, text: string): { source: YamlSource | null; problems: Problem[] } {
  const lineCounter = new LineCounter();
  // uniqueKeys: a duplicated key is an error, not a silent overwrite of the first definition.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // After the first syntax error the parser's further complaints are mostly echoes of it:
  // report the first one, where the merchant has to look.
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    return { source: null, problems: [{ file, line, col, message: first.message.split('\n')[0] ?? first.message }] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // The yaml package throws (rather than reports) when aliases would expand without bound.
    return { source: null, problems: [{ file, line: 1, col: 1, message: `the file cannot be read: ${(error as Error).message.split('\n')[0]}` }] };
  }
  return { source: { file, doc, data, lineCounter }, problems: [] };
}

/** Line and column (from 1) of a character offset in the file. */
export function positionAt(source: YamlSource, offset: number): { line: number; col: number } {
  return source.lineCounter.linePos(offset);
}

/** The node at `path`, or the deepest existing ancestor when the path goes further than the file. */
function nodeAt(source: YamlSource, path: YamlPath, wantKey: boolean): Node | null {
  let node: unknown = source.doc.contents;
  let keyNode: unknown = null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = (node.items as Pair[]).find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (node && typeof node === 'object' && 'items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      const item = (node as { items: unknown[] }).items[Number(segment)];
      if (item === undefined) break;
      keyNode = null;
      node = item;
    } else {
      break;
    }
  }
  const chosen = wantKey && keyNode ? keyNode : node;
  return chosen && typeof chosen === 'object' && 'range' in chosen ? (chosen as Node) : null;
}

/** A problem located at `path` in the file (at the key when `atKey`, e.g. for an unknown key). */
export function problemAt(source: YamlSource, path: YamlPath, message: string, atKey = false): Problem {
  const node = nodeAt(source, path, atKey);
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = source.lineCounter.linePos(offset);
  return { file: source.file, line, col, message };
}

/** Like problemAt, but `offset` characters into the scalar's source (for an error inside an expression). */
export function problemInside(source: YamlSource, path: YamlPath, offset: number, message: string): Problem {
  const node = nodeAt(source, path, false);
  const start = node?.range?.[0] ?? 0;
  // Quoted scalars start with their quote character; the expression starts one further.
  const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') ? 1 : 0;
  const { line, col } = source.lineCounter.linePos(start + quoted + Math.max(0, offset));
  return { file: source.file, line, col, message };
}
