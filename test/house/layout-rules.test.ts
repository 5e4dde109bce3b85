// The layout's rules (docs/architecture.md, "Layout"), read from the import statements themselves
// with the TypeScript compiler's own reader (ts.preProcessFile: static imports, re-exports and
// dynamic import() alike):
// - the core (dialogs/) knows no adapter, no wiring and no configuration;
// - adapters take their own options: none imports config/, server.ts or compose/ (a start script,
//   start-*.ts, is a composition root of its own and may use compose/);
// - there is no import circle anywhere in the project.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FOLDERS = ['adapters', 'bench', 'cli', 'compose', 'config', 'dialogs', 'examples'];
const TOP_FILES = ['server.ts', 'mount-kefu.ts'];

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((file) => !file.split('/').includes('node_modules') && !file.split('/').includes('public'));
}

/** Project files each file imports (relative specifiers only; packages are not the layout's concern). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of [...FOLDERS.flatMap(sourceFiles), ...TOP_FILES]) {
    const info = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
    const targets = info.importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)));
    graph.set(file, targets);
  }
  return graph;
}

const graph = importGraph();

function importsOf(prefix: string): [string, string][] {
  return [...graph].flatMap(([file, targets]) => (file.startsWith(prefix) ? targets.map((target) => [file, target] as [string, string]) : []));
}

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (state.get(target) === 'open') found.push([...stack.slice(stack.indexOf(target)), target]);
      else if (!state.has(target)) visit(target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('the layout', () => {
  it('reads the imports of every folder it rules on', () => {
    expect(graph.size).toBeGreaterThan(250);
    expect(importsOf('compose/').length).toBeGreaterThan(50);
  });

  it('keeps the core free of adapters, wiring and configuration', () => {
    const outward = importsOf('dialogs/').filter(([, target]) => /^(adapters|compose|config)\/|^(server|mount-kefu)\.ts$/.test(target));
    expect(outward).toEqual([]);
  });

  it('lets no adapter read the configuration or reach back into the wiring', () => {
    const back = importsOf('adapters/').filter(([file, target]) => {
      if (target.startsWith('config/') || target === 'server.ts' || target === 'mount-kefu.ts') return true;
      return target.startsWith('compose/') && !/\/start-[^/]+\.ts$/.test(file);
    });
    expect(back).toEqual([]);
  });

  it('has no import circle', () => {
    expect(cycles().map((cycle) => cycle.join(' → '))).toEqual([]);
  });
});
