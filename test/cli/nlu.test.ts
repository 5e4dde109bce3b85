// `npm run nlu -- eval` as a merchant or a developer runs it, on real files: checked for its output
// format and its errors on bad input. A few cases run the real process (exit status, streams); the
// rest call the same entry point in this process, which keeps the suite light on a shared machine.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runNlu } from '../../cli/nlu.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/nlu');
const scratch = mkdtempSync(path.join(tmpdir(), 'kefu-nlu-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function spawnNlu(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/nlu.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function nlu(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runNlu(args, (text) => (stdout += `${text}\n`), (text) => (stderr += `${text}\n`));
  return { code, stdout, stderr };
}

function file(name: string, content: string | Buffer): string {
  const full = path.join(scratch, name);
  writeFileSync(full, content);
  return full;
}

const TRAIN = path.join(FIXTURES, 'train.csv');
const TEST = path.join(FIXTURES, 'test.csv');

// Spawning processes is slow on a busy machine; nothing here measures time.
describe('npm run nlu -- eval', { timeout: 120_000 }, () => {
  it('prints one figure a line: accuracy, macro F1, out-of-scope precision and recall, confusions, timing', () => {
    const { code, stdout, stderr } = spawnNlu('eval', '--train', TRAIN, '--test', TEST);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('trained: 15 examples, 2 intents; tested: 6 rows (4 in scope, 2 out of scope)');
    expect(lines[1]).toMatch(/^accuracy: [01]\.\d{3}$/);
    expect(lines[2]).toMatch(/^macro_f1: [01]\.\d{3}$/);
    expect(lines[3]).toMatch(/^oos_precision: ([01]\.\d{3}|n\/a \(nothing was declined\))$/);
    expect(lines[4]).toMatch(/^oos_recall: [01]\.\d{3}$/);
    for (const line of lines.slice(5, -4)) expect(line).toMatch(/^confused: \S+ -> \S+ \d+$/);
    expect(lines.at(-4)).toMatch(/^training_ms: \d+$/);
    expect(lines.at(-3)).toMatch(/^us_per_message: \d+\.\d$/);
    expect(lines.at(-2)).toMatch(/^training_cpu_ms: \d+$/);
    expect(lines.at(-1)).toMatch(/^cpu_us_per_message: \d+\.\d$/);
  });

  it('gets the easy fixture right: both out-of-scope spellings count as out of scope', async () => {
    const { stdout } = await nlu('eval', '--train', TRAIN, '--test', TEST);
    expect(stdout).toContain('accuracy: 1.000');
    expect(stdout).toContain('oos_recall: 1.000');
    expect(stdout).toContain('oos_precision: 1.000');
    expect(stdout).not.toContain('confused:');
  });

  it('trains on an intents YAML file and on a folder of them, keywords included', async () => {
    const fromFile = await nlu('eval', '--train', path.join(FIXTURES, 'intents.yaml'), '--test', TEST);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toMatch(/^trained: 16 examples, 2 intents/);
    // A folder is read as flows are, with the shipped base merged in; --no-base measures the folder alone.
    const fromFolder = await nlu('eval', '--train', FIXTURES, '--test', TEST, '--no-base');
    expect(fromFolder.code).toBe(0);
    expect(fromFolder.stdout).toMatch(/^trained: 16 examples, 2 intents/);
    const withBase = await nlu('eval', '--train', FIXTURES, '--test', TEST);
    expect(withBase.stdout).toMatch(/^base: \d+ examples from the shipped base .*\ntrained: \d+ examples, 2 intents/);
  });

  it('counts a message it declines against accuracy and names the confusion', async () => {
    const test = file('hard.csv', 'text,intent\nxyzzy plugh,track_order\n我的快递到哪了,track_order\n');
    const { code, stdout } = await nlu('eval', '--train', TRAIN, '--test', test, '--confusions', '3');
    expect(code).toBe(0);
    expect(stdout).toContain('accuracy: 0.500');
    expect(stdout).toContain('confused: track_order -> oos 1');
    expect(stdout).toContain('oos_recall: n/a (no out-of-scope rows)');
  });

  it('with --per-intent, shows each intent of the test set, worst first, and where its misses went', async () => {
    // One track_order row is gibberish (declined), one return_refund row is a parcel question
    // (taken by track_order): both intents lose a row, each in a different way.
    const test = file(
      'per-intent.csv',
      'text,intent\nxyzzy plugh,track_order\n我的快递到哪了,track_order\nwhere is my package,return_refund\n能退货吗,return_refund\n我要退货,return_refund\n',
    );
    const { code, stdout } = await nlu('eval', '--train', TRAIN, '--test', test, '--per-intent');
    expect(code).toBe(0);
    const rows = stdout.split('\n').filter((line) => line.startsWith('intent: '));
    expect(rows).toEqual([
      'intent: track_order rows 2 precision 0.500 recall 0.500 f1 0.500 declined 1 to_others 0 taken 1',
      'intent: return_refund rows 3 precision 1.000 recall 0.667 f1 0.800 declined 0 to_others 1 taken 0',
    ]);
    // Without the option the figures stay one a line, as before.
    const plain = await nlu('eval', '--train', TRAIN, '--test', test);
    expect(plain.stdout).not.toContain('intent: ');
  });

  it('reads quoted fields, a byte-order mark, CRLF line ends and extra columns', async () => {
    const test = file('quoted.csv', '\uFEFFtext,intent,language\r\n"where is my parcel, please",track_order,en\r\n"我要退货",return_refund,zh-Hans\r\n');
    const { code, stdout } = await nlu('eval', '--train', TRAIN, '--test', test);
    expect(code).toBe(0);
    expect(stdout).toContain('tested: 2 rows (2 in scope, 0 out of scope)');
  });

  const bad: [string, () => string[], RegExp][] = [
    ['a missing file', () => ['eval', '--train', path.join(scratch, 'nope.csv'), '--test', TEST], /nope\.csv: no such file or folder/],
    ['an empty file', () => ['eval', '--train', file('empty.csv', ''), '--test', TEST], /empty\.csv: the file is empty/],
    ['a header only', () => ['eval', '--train', TRAIN, '--test', file('header.csv', 'text,intent\n')], /header\.csv: no rows after the header/],
    ['wrong columns', () => ['eval', '--train', file('columns.csv', 'sentence,label\nhi,greeting\n'), '--test', TEST], /columns\.csv: the header must name the columns "text" and "intent"/],
    ['a row without an intent', () => ['eval', '--train', file('blank.csv', 'text,intent\nhello,\n'), '--test', TEST], /blank\.csv: row 2 has no intent/],
    ['a broken quote', () => ['eval', '--train', file('quote.csv', 'text,intent\n"unclosed,greeting\n'), '--test', TEST], /quote\.csv: not a valid CSV file/],
    ['a ragged row', () => ['eval', '--train', file('ragged.csv', 'text,intent\na,b,c\n'), '--test', TEST], /ragged\.csv: not a valid CSV file/],
    ['no in-scope rows to train on', () => ['eval', '--train', file('oos.csv', 'text,intent\nwhat time is it,oos\n'), '--test', TEST], /oos\.csv: no in-scope rows to train on/],
    ['no in-scope rows to test', () => ['eval', '--train', TRAIN, '--test', file('oos-test.csv', 'text,intent\nwhat time is it,out_of_scope\n')], /oos-test\.csv: no in-scope rows to measure/],
    ['a YAML file with no intents', () => ['eval', '--train', file('none.yaml', 'flows: {}\n'), '--test', TEST], /none\.yaml: no intent examples/],
    ['YAML that does not parse', () => ['eval', '--train', file('broken.yaml', 'intents: [\n'), '--test', TEST], /broken\.yaml: not valid YAML/],
    ['examples that are not a list', () => ['eval', '--train', file('shape.yaml', 'intents:\n  a:\n    examples:\n      en: hello\n'), '--test', TEST], /shape\.yaml: intents\.a\.examples\.en must be a list/],
    ['binary junk', () => ['eval', '--train', file('junk.csv', Buffer.from([0, 159, 146, 150, 0, 10, 34, 0])), '--test', TEST], /junk\.csv: /],
    ['no --test', () => ['eval', '--train', TRAIN], /both --train and --test are needed/],
    ['an unknown option', () => ['eval', '--train', TRAIN, '--test', TEST, '--fast'], /Unknown option '--fast'/],
    ['a threshold out of range', () => ['eval', '--train', TRAIN, '--test', TEST, '--threshold', '7'], /--threshold must be a number from 0 to 1/],
    ['an unknown command', () => ['train'], /unknown command "train"/],
  ];
  it('exits 1 with the message on stderr and nothing on stdout for bad input', () => {
    const { code, stdout, stderr } = spawnNlu('eval', '--train', path.join(scratch, 'missing.csv'), '--test', TEST);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^nlu: .*missing\.csv: no such file or folder\n$/);
  });

  it.each(bad)('rejects %s with a clear message and exit 1', async (_name, args, message) => {
    const { code, stdout, stderr } = await nlu(...args());
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
