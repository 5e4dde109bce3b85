// A merchant edits the flow files while the bot is serving buyers. The promise (README, DESIGN
// rule 3): a valid edit takes effect without a restart, conversations already under way carry on,
// and a bad edit is reported as `file:line:col message` while the previous flows keep serving.
//
// Each test works on its own copy of the demo flows and its own server watching that copy.
// Reloads happen in the background (file watcher, debounce), so the tests wait for their effect
// by asking again a bounded number of times; they never assert how long it took.

import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const DEMO_FLOWS = path.resolve(import.meta.dirname, '../../flows');
const SIZE_QUESTION = '身高170体重60穿什么码';
const ORIGINAL_RESULT = '      zh-Hans: 根据尺寸,您适合{{size}}号哦\n';

// A flow file the merchant will delete while a buyer is in the middle of its flow.
const GIFT_WRAP_YAML = `
intents:
  gift_wrap:
    label: { zh-Hans: 礼品包装, zh-Hant: 禮品包裝, en: Gift wrapping }
    examples:
      zh: [可以礼品包装吗, 帮我包装成礼物, 送人的要包装一下]
      en: [can you gift wrap it, gift wrapping please]
    keywords: [礼品包装, 禮品包裝, gift wrap]

responses:
  ask_card_text:
    text:
      zh-Hans: 贺卡上想写什么呢?
      zh-Hant: 賀卡上想寫什麼呢?
      en: What should the card say?
  gift_wrap_done:
    text:
      zh-Hans: 好的,贺卡上写:{{card}}
      zh-Hant: 好的,賀卡上寫:{{card}}
      en: "Done, the card will say: {{card}}"

flows:
  gift_wrap:
    trigger: gift_wrap
    slots:
      card: { type: text, ask: ask_card_text }
    steps:
      - ask: card
      - say: gift_wrap_done
`;

let flowsDir: string;
let server: RunningServer;
let conversations = 0;

beforeEach(async () => {
  flowsDir = await mkdtemp(path.join(tmpdir(), 'kefu-hot-reload-'));
  await cp(DEMO_FLOWS, flowsDir, { recursive: true });
  await writeFile(path.join(flowsDir, 'gift-wrap.yaml'), GIFT_WRAP_YAML);
  server = await startTestKefu({ flowsDir, env: { KEFU__FLOWS__WATCH: 'true' } });
});

afterEach(async () => {
  await server?.close();
  await rm(flowsDir, { recursive: true, force: true });
});

/** The texts of the bot's answer to one message. */
async function say(conversationId: string, content: { text: string } | { payload: string }): Promise<string[]> {
  const response = await postMessage(server.url, { conversationId, ...content });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body.replies as { text: string }[]).map((reply) => reply.text);
}

/** What a buyer who has never written before is told for the size question. */
async function sizeAnswerForNewBuyer(): Promise<string> {
  return (await say(`new-buyer-${(conversations += 1)}`, { text: SIZE_QUESTION })).join('\n');
}

/** Asks until the answer passes the check (the watcher reloads in the background); bounded. */
async function eventually<T>(ask: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let attempt = 0; attempt < 300; attempt += 1) {
    last = await ask();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after 300 attempts`);
}

/** Replaces one exact piece of a flow file, as a merchant's editor would save it. */
async function edit(file: string, from: string, to: string): Promise<string> {
  const full = path.join(flowsDir, file);
  const before = await readFile(full, 'utf8');
  expect(before, `${file} no longer holds the text this test edits`).toContain(from);
  const after = before.replace(from, to);
  await writeFile(full, after);
  return after;
}

/** 1-based number of the line of `text` that starts with `start`. */
function lineOf(text: string, start: string): number {
  const index = text.split('\n').findIndex((line) => line.startsWith(start));
  expect(index, `no line starts with ${JSON.stringify(start)}`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

/** Splits "file:line:col message"; the file as an absolute path. */
function parseProblem(problem: string): { file: string; line: number; col: number; message: string } {
  const match = /^(.+):(\d+):(\d+) (.+)$/s.exec(problem);
  expect(match, `not "file:line:col message": ${problem}`).not.toBeNull();
  return { file: path.resolve(match![1]!), line: Number(match![2]), col: Number(match![3]), message: match![4]! };
}

// Waiting on the watcher of a busy machine may take a while: a generous limit, never an assertion.
describe('flow files edited while Kefu runs', { timeout: 60_000 }, () => {
  it('serves an edited response to new conversations and lets a conversation mid-flow finish', async () => {
    expect(await sizeAnswerForNewBuyer()).toContain('根据尺寸,您适合M号哦');

    // A buyer is half-way through the size flow: the bot is waiting for the weight.
    expect((await say('mid-flow', { text: '我穿多大码' })).join()).toContain('身高');
    expect((await say('mid-flow', { text: '170' })).join()).toContain('体重');

    await edit('size-advice.yaml', ORIGINAL_RESULT, '      zh-Hans: 根据尺寸,亲适合{{size}}号\n');
    await eventually(sizeAnswerForNewBuyer, (answer) => answer.includes('根据尺寸,亲适合M号'), 'the edited text');

    // The waiting conversation was kept, and finishes with the flows now serving.
    expect(await say('mid-flow', { text: '60kg' })).toEqual(['根据尺寸,亲适合M号']);
  });

  it('refuses an edit that leaves a text without its zh-Hant, keeps serving, and takes the fix', async () => {
    await edit('size-advice.yaml', ORIGINAL_RESULT, '      zh-Hans: 根据尺寸,亲适合{{size}}号\n');
    await eventually(sizeAnswerForNewBuyer, (answer) => answer.includes('亲适合M号'), 'the first edit');

    const broken = await edit('size-advice.yaml', '      zh-Hant: 根據尺寸,您適合{{size}}號哦\n', '');
    const reload = await server.kefu.reloadFlows();
    expect(reload.ok).toBe(false);
    expect(reload.problems).toHaveLength(1);
    // Reported where size_result's text starts, the map that lacks the language.
    expect(parseProblem(reload.problems[0]!)).toEqual({
      file: path.join(flowsDir, 'size-advice.yaml'),
      line: lineOf(broken, '      zh-Hans: 根据尺寸,亲适合'),
      col: 7,
      message: 'responses.size_result.text: missing "zh-Hant"',
    });
    // The bot still serves the last valid flows, in every language.
    expect(await sizeAnswerForNewBuyer()).toContain('根据尺寸,亲适合M号');
    expect((await say('traditional', { text: '身高170體重60穿什麼碼' })).join()).toContain('根據尺寸,您適合M號哦');

    await edit('size-advice.yaml', '      zh-Hans: 根据尺寸,亲适合{{size}}号\n', '      zh-Hans: 根据尺寸,建议选{{size}}号\n      zh-Hant: 根據尺寸,建議選{{size}}號\n');
    await eventually(sizeAnswerForNewBuyer, (answer) => answer.includes('根据尺寸,建议选M号'), 'the fixed file');
    expect((await server.kefu.reloadFlows()).ok).toBe(true);
    expect((await say('traditional-again', { text: '身高170體重60穿什麼碼' })).join()).toContain('根據尺寸,建議選M號');
  });

  it('refuses a YAML syntax error at the line of the bad indent, keeps serving, and takes the fix', async () => {
    const broken = await edit('size-advice.yaml', '      zh-Hant: 根據尺寸,您適合{{size}}號哦\n', '     zh-Hant: 根據尺寸,您適合{{size}}號哦\n');
    const reload = await server.kefu.reloadFlows();
    expect(reload.ok).toBe(false);
    const problem = parseProblem(reload.problems[0]!);
    expect(problem.file).toBe(path.join(flowsDir, 'size-advice.yaml'));
    expect(problem.line).toBe(lineOf(broken, '     zh-Hant: 根據尺寸'));
    expect(problem.message).toMatch(/column|indent/i);

    const mid = 'syntax-error-mid-flow';
    expect((await say(mid, { text: '我穿多大码' })).join()).toContain('身高');
    expect(await sizeAnswerForNewBuyer()).toContain('根据尺寸,您适合M号哦');

    await edit('size-advice.yaml', '     zh-Hant: 根據尺寸,您適合{{size}}號哦\n', '      zh-Hant: 根據尺寸,您適合{{size}}號喔\n');
    await eventually(
      () => say(`zh-hant-${(conversations += 1)}`, { text: '身高170體重60穿什麼碼' }).then((texts) => texts.join()),
      (answer) => answer.includes('根據尺寸,您適合M號喔'),
      'the fixed file',
    );
    expect(await say(mid, { text: '175cm 70kg' })).toEqual(['根据尺寸,您适合L号哦']);
  });

  it('does not leave a buyer stuck in a flow whose file was deleted', async () => {
    expect(await say('wrapping', { payload: '/gift_wrap' })).toEqual(['贺卡上想写什么呢?']);

    await unlink(path.join(flowsDir, 'gift-wrap.yaml'));
    await eventually(async () => server.kefu.flows().flows.has('gift_wrap'), (has) => !has, 'the deleted flow');

    // The flow the buyer was in is gone: the next message is understood afresh, not read as the card text.
    const answer = (await say('wrapping', { text: '你好' })).join();
    expect(answer).toContain('我是小蜜演示店的小蜜');
    expect(answer).not.toContain('贺卡');
    // And the conversation goes on as any other.
    expect((await say('wrapping', { text: SIZE_QUESTION })).join()).toContain('根据尺寸,您适合M号哦');
    // The old button leads nowhere now, and says so.
    expect((await say('wrapping', { payload: '/gift_wrap' })).join()).toContain('这个按钮已经失效啦');
  });
});
