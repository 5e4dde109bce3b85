// What `npm run flows -- validate` tells a merchant about a broken flow file: every problem,
// as `file:line:col message`, pointing at the exact place to fix.

import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';
import { formatProblem } from '../../dialogs/flows/problems.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const made: string[] = [];

/** A flows folder with the real system.yaml plus the given files. */
function flowsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-flows-'));
  made.push(dir);
  cpSync(path.join(ROOT, 'flows/system.yaml'), path.join(dir, 'system.yaml'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Problems as "name.yaml:line:col message", file names relative to the folder. */
async function problemsOf(files: Record<string, string>): Promise<string[]> {
  const dir = flowsDir(files);
  const result = await loadFlows(dir, { actions: builtInActions, displayPath: (f) => path.relative(dir, f) });
  return result.ok ? [] : result.problems.map(formatProblem);
}

const T = (text: string) => `{ zh-Hans: "${text}", zh-Hant: "${text}", en: "${text}" }`;

/** A small valid flow file: an intent, a response, a flow with a slot. */
const GOOD = `
intents:
  ask_size:
    label: ${T('size')}
    examples: { zh: [穿什么码], en: [what size] }
responses:
  ask_height:
    text: ${T('height?')}
  done:
    text: ${T('done {{height}}')}
flows:
  size:
    trigger: ask_size
    slots:
      height: { type: length, ask: ask_height }
    steps:
      - ask: height
      - say: done
`;

describe('flow validation', () => {
  it('accepts a valid folder', async () => {
    expect(await problemsOf({ 'shop.yaml': GOOD })).toEqual([]);
  });

  it('reports YAML syntax errors with their position', async () => {
    const problems = await problemsOf({ 'shop.yaml': 'responses:\n  hi:\n    text: { zh-Hans: a, zh-Hant: b\n' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^shop\.yaml:\d+:\d+ /);
  });

  it('reports an unknown key at the key', async () => {
    const problems = await problemsOf({ 'shop.yaml': GOOD.replace('    trigger: ask_size', '    trigger: ask_size\n    triger: oops') });
    expect(problems).toEqual(['shop.yaml:14:5 flows.size.triger: unknown key "triger"']);
  });

  it('reports a wrong type', async () => {
    const problems = await problemsOf({ 'shop.yaml': GOOD.replace('retries', 'x').replace('{ type: length, ask: ask_height }', '{ type: length, ask: ask_height, retries: many }') });
    expect(problems).toEqual(['shop.yaml:15:57 flows.size.slots.height.retries: must be integer']);
  });

  it('requires every buyer-facing text in zh-Hans, zh-Hant and en', async () => {
    const problems = await problemsOf({ 'shop.yaml': GOOD.replace(`text: ${T('height?')}`, 'text: { zh-Hans: 身高?, en: height? }') });
    expect(problems).toEqual(['shop.yaml:8:11 responses.ask_height.text: missing "zh-Hant"']);
  });

  it('reports references to undefined intents, responses, slots, actions and flows', async () => {
    const broken = GOOD.replace('trigger: ask_size', 'trigger: ask_sise')
      .replace('      - say: done', '      - say: dnoe\n      - ask: weight\n      - action: launch_rocket\n      - goto: nowhere');
    const problems = await problemsOf({ 'shop.yaml': broken });
    expect(problems).toEqual([
      'shop.yaml:3:3 intent "ask_size" triggers no flow',
      'shop.yaml:13:14 trigger: unknown intent "ask_sise"',
      'shop.yaml:18:14 unknown response "dnoe"',
      'shop.yaml:19:14 unknown slot "weight" (declare it under this flow\'s slots)',
      expect.stringMatching(/^shop\.yaml:20:17 unknown action "launch_rocket" \(known: recommend_size, /),
      'shop.yaml:21:15 unknown flow "nowhere"',
    ]);
  });

  it('reports a name defined in two files, pointing at both', async () => {
    const other = `responses:\n  done:\n    text: ${T('again')}\n`;
    const problems = await problemsOf({ 'a.yaml': GOOD, 'b.yaml': other });
    expect(problems).toEqual(['b.yaml:2:3 response "done" is already defined at a.yaml:9:3']);
  });

  it('reports a duplicated key in one file', async () => {
    const problems = await problemsOf({ 'shop.yaml': GOOD.replace('  done:\n', '  ask_height:\n    text: { zh-Hans: x, zh-Hant: x, en: x }\n  done:\n') });
    expect(problems[0]).toMatch(/^shop\.yaml:9:3 Map keys must be unique/);
  });

  it('reports unreachable steps and unreachable flows', async () => {
    const withDeadStep = GOOD.replace('      - say: done', '      - end\n      - say: done');
    expect(await problemsOf({ 'shop.yaml': withDeadStep })).toEqual([
      'shop.yaml:19:9 unreachable step: the step at index 1 always leaves the flow',
    ]);
    const orphan = `${GOOD}  orphan:\n    steps:\n      - say: done\n`;
    expect(await problemsOf({ 'shop.yaml': orphan })).toEqual(['shop.yaml:19:3 flow "orphan" is unreachable: no trigger and no goto leads to it']);
  });

  it('reports a loop of flows that never asks the buyer anything', async () => {
    const loop = GOOD.replace('      - ask: height\n      - say: done', '      - say: done\n      - goto: again') +
      '  again:\n    steps:\n      - say: done\n      - goto: size\n';
    const problems = await problemsOf({ 'shop.yaml': loop });
    expect(problems).toEqual(['shop.yaml:22:15 flow can loop without asking the buyer anything: size → again → size']);
  });

  it('accepts a loop that asks the buyer something on the way', async () => {
    const loop = GOOD.replace('      - say: done', '      - say: done\n      - goto: again') +
      '  again:\n    steps:\n      - say: done\n      - goto: size\n';
    expect(await problemsOf({ 'shop.yaml': loop })).toEqual([]);
  });

  it('reports an expression syntax error inside the expression', async () => {
    const problems = await problemsOf({ 'shop.yaml': GOOD.replace('      - say: done', '      - if: "height >"\n        then:\n          - say: done') });
    expect(problems).toEqual(['shop.yaml:18:22 expression error: Unexpected end of expression']);
  });

  it('reports placeholders that name nothing and payloads that name no intent', async () => {
    const broken = GOOD.replaceAll('done {{height}}', 'done {{heigth}}')
      .replace(`  done:\n    text: ${T('done {{heigth}}')}`, `  done:\n    text: ${T('done {{heigth}}')}\n    buttons:\n      - { title: ${T('go')}, payload: /ask_sise }`);
    const problems = await problemsOf({ 'shop.yaml': broken });
    expect(problems).toEqual([
      'shop.yaml:10:22 placeholder {{heigth}} names no slot, variable or action output',
      'shop.yaml:10:50 placeholder {{heigth}} names no slot, variable or action output',
      'shop.yaml:10:73 placeholder {{heigth}} names no slot, variable or action output',
      'shop.yaml:12:71 payload "/ask_sise" names no intent',
    ]);
  });

  it('reports a step that does two things, and steps of the wrong kind', async () => {
    const problems = await problemsOf({ 'shop.yaml': GOOD.replace('      - say: done', '      - say: done\n        goto: size\n      - with: { a: "1" }') });
    expect(problems).toEqual([
      'shop.yaml:18:9 a step does one thing; this one has say and goto',
      'shop.yaml:20:9 a step needs one of: say, ask, set, if, action, goto, handoff, end',
    ]);
  });

  it('requires the system intents and responses the engine relies on', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-flows-'));
    made.push(dir);
    writeFileSync(path.join(dir, 'shop.yaml'), GOOD);
    const result = await loadFlows(dir, { actions: builtInActions, displayPath: (f) => path.relative(dir, f) });
    const problems = result.ok ? [] : result.problems.map(formatProblem);
    expect(problems).toContain('shop.yaml:2:1 the engine needs intent "cancel"; define it (see docs/flows.md, "System intents and responses")');
    expect(problems).toContain('shop.yaml:2:1 the engine needs response "not_understood"; define it (see docs/flows.md, "System intents and responses")');
  });

  it('gives the CLI exit status 1 and one line per problem; 0 when valid', async () => {
    const run = promisify(execFile);
    const bad = flowsDir({ 'shop.yaml': GOOD.replace('trigger: ask_size', 'trigger: ask_sise') });
    const failed = await run('npx', ['tsx', 'cli/flows.ts', 'validate', bad], { cwd: ROOT }).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/shop\.yaml:13:14 trigger: unknown intent "ask_sise"/);
    const ok = await run('npx', ['tsx', 'cli/flows.ts', 'validate', flowsDir({ 'shop.yaml': GOOD })], { cwd: ROOT });
    expect(ok.stdout).toMatch(/^ok: /m);
  });
});
