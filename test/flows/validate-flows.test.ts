// What `npm run flows -- validate` tells a merchant about a broken flow file: every problem,
// as `file:line:col message`, pointing at the exact place to fix.

import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DemoCatalog } from '../../adapters/commerce/demo/demo-catalog.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { Engine } from '../../dialogs/engine/engine.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';
import { formatProblem } from '../../dialogs/flows/problems.ts';
import { silentLogger } from '../../dialogs/ports.ts';

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
      'shop.yaml:3:3 intent "ask_size" triggers no flow and has no answer',
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
  }, 120_000); // two process starts: generous for a loaded machine, still catches a hang
});

// A fixed answer in one block: the intent carries it, and the loader makes the one-step flow.
describe('intents with an answer', () => {
  const OPENING = (answer: string) => `
intents:
  opening_hours:
    label: ${T('opening hours')}
    examples: { zh: [你们几点上班, 客服几点在], en: [when are you open] }
${answer}
`;
  const INLINE = OPENING(`    answer:
      text: { zh-Hans: 每天9点到21点, zh-Hant: 每天9點到21點, en: "Every day, 9:00 to 21:00" }`);

  it('turns an answer written in place into a flow and a response named after the intent', async () => {
    const dir = flowsDir({ 'faq.yaml': INLINE });
    const result = await loadFlows(dir, { actions: builtInActions });
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const { flowSet } = result;
    expect(flowSet.flowByIntent.get('opening_hours')).toBe('opening_hours');
    expect(flowSet.flows.get('opening_hours')).toEqual({ trigger: 'opening_hours', steps: [{ say: 'opening_hours' }] });
    expect(flowSet.responses.get('opening_hours')?.[0]?.text.en).toBe('Every day, 9:00 to 21:00');
  });

  it('answers a buyer with it, in their script', async () => {
    const dir = flowsDir({ 'faq.yaml': INLINE });
    const result = await loadFlows(dir, { actions: builtInActions });
    if (!result.ok) throw new Error('invalid');
    const engine = new Engine({ flows: () => result.flowSet, catalog: await DemoCatalog.load(), shopName: T('shop') as never, maxTextLength: 500, lastTurns: 10, logger: silentLogger });
    const conversation = { channel: 'test', conversationId: 'faq-1', buyerId: 'b' };
    const outcome = await engine.handle(null, { id: 'm1', conversation, text: '客服幾點在呀', receivedAt: 1 });
    expect(outcome.replies.map((reply) => reply.text)).toEqual(['每天9點到21點']);
  });

  it('accepts a response name, and points at the answer when the response does not exist', async () => {
    const named = OPENING('    answer: hours_text') + `responses:\n  hours_text:\n    text: ${T('9-21')}\n`;
    expect(await problemsOf({ 'faq.yaml': named })).toEqual([]);
    expect(await problemsOf({ 'faq.yaml': OPENING('    answer: hours_txt') })).toEqual(['faq.yaml:6:13 unknown response "hours_txt"']);
  });

  it('checks an answer written in place like any response', async () => {
    const problems = await problemsOf({ 'faq.yaml': OPENING('    answer:\n      text: { zh-Hans: 好, en: ok }') });
    expect(problems).toEqual(['faq.yaml:7:13 intents.opening_hours.answer.text: missing "zh-Hant"']);
    expect(await problemsOf({ 'faq.yaml': OPENING('    answer: Hours Text') })).toEqual(['faq.yaml:6:13 intents.opening_hours.answer: must be lower_snake_case (a-z, 0-9, _; starting with a letter)']);
  });

  it('refuses an intent that both has an answer and triggers a flow, or whose name is taken', async () => {
    const alsoFlow = OPENING('    answer: hours_text') + `responses:\n  hours_text:\n    text: ${T('9-21')}\nflows:\n  hours:\n    trigger: opening_hours\n    steps: [{ say: hours_text }]\n`;
    expect(await problemsOf({ 'faq.yaml': alsoFlow })).toEqual(['faq.yaml:6:5 intent "opening_hours" has an answer and also triggers flow "hours"; keep one of them']);
    const taken = INLINE + `responses:\n  opening_hours:\n    text: ${T('9-21')}\n`;
    expect(await problemsOf({ 'faq.yaml': taken })).toEqual([
      'faq.yaml:6:5 the answer of intent "opening_hours" becomes a response named "opening_hours", already defined at faq.yaml:9:3; rename one of them',
    ]);
  });
});

describe('keywords that take other intents’ messages (warnings)', () => {
  // A merchant makes 打折 a price keyword, then adds a bulk-order intent whose buyers also say 打折.
  const SHOP = `
intents:
  ask_price:
    label: ${T('price')}
    examples: { zh: [多少钱, 有优惠吗], en: [how much] }
    keywords: [打折, discount]
  bulk_order:
    label: ${T('bulk')}
    examples: { zh: [批发能打折吗, 买一百件什么价], en: [bulk order discount] }
    keywords: [批发]
  wholesale:
    label: ${T('wholesale')}
    examples: { zh: [拿货价], en: [wholesale price] }
    keywords: [批发, 批发价, '8888']
responses:
  price: { text: ${T('price')} }
  bulk: { text: ${T('bulk')} }
  wholesale: { text: ${T('wholesale')} }
flows:
  price: { trigger: ask_price, steps: [{ say: price }] }
  bulk: { trigger: bulk_order, steps: [{ say: bulk }] }
  wholesale: { trigger: wholesale, steps: [{ say: wholesale }] }
`;

  async function warningsOf(files: Record<string, string>, base: string | false = false): Promise<string[]> {
    const dir = flowsDir(files);
    const result = await loadFlows(dir, { actions: builtInActions, displayPath: (f) => path.relative(dir, f), base });
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    return result.warnings.map(formatProblem);
  }

  it('points at an example another intent’s keyword decides, and at a keyword given to two intents', async () => {
    const warnings = await warningsOf({ 'shop.yaml': SHOP });
    expect(warnings).toEqual([
      // 批发能打折吗 holds 批发 (its own intent's keyword) and 打折, as long: a tie goes by intent name.
      'shop.yaml:9:22 example "批发能打折吗" of bulk_order is decided by the keyword "打折" of ask_price: buyers who write it get ask_price',
      'shop.yaml:9:45 example "bulk order discount" of bulk_order is decided by the keyword "discount" of ask_price: buyers who write it get ask_price',
      'shop.yaml:14:16 keyword "批发" is given to both wholesale and bulk_order: a message with it gets bulk_order',
      'shop.yaml:14:25 keyword "8888" of wholesale is only a number, and every number reads the same to the recogniser: it is left out (write it in words)',
    ]);
    // Left out indeed: a message with another number is not taken by it.
    const dir = flowsDir({ 'shop.yaml': SHOP });
    const loaded = await loadFlows(dir, { actions: builtInActions, base: false });
    if (!loaded.ok) throw new Error('invalid');
    expect(loaded.flowSet.recogniser.keywordDeciding('订单 1234 什么时候到')).toBeNull();
  });

  it('counts the shipped base’s examples a shop keyword takes, at the keyword', async () => {
    const base = mkdtempSync(path.join(tmpdir(), 'kefu-base-'));
    made.push(base);
    mkdirSync(path.join(base, 'intents'));
    writeFileSync(path.join(base, 'intents', 'shop.yaml'), 'intents:\n  bulk_order:\n    examples:\n      zh: [团购打折吗, 公司采购打折多少]\n      en: [any discount for 50 pieces]\n');
    const warnings = await warningsOf({ 'shop.yaml': SHOP }, base);
    expect(warnings).toContain('shop.yaml:6:16 keyword "打折" of ask_price decides 2 examples the shipped base gives bulk_order, e.g. "团购打折吗": buyers who write them get ask_price');
    expect(warnings).toContain('shop.yaml:6:20 keyword "discount" of ask_price decides 1 example the shipped base gives bulk_order, e.g. "any discount for 50 pieces": buyers who write them get ask_price');
  });

  it('finds nothing to warn about in the demo shop’s flows', async () => {
    const result = await loadFlows(path.join(ROOT, 'flows'), { actions: builtInActions });
    if (!result.ok) throw new Error('demo flows invalid');
    expect(result.warnings.map(formatProblem)).toEqual([]);
  });
});
