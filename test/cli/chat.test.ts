// `npm run chat` as a merchant uses it: a real chat process, fed line by line through a pipe,
// answering from the real flows with Kefu composed inside it.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
// A limit for hangs, not a speed check: a loaded machine (CI, parallel test files) starts processes slowly.
const WAIT_MS = 60_000;

/** One `cli/chat.ts` process with piped standard input and output. */
class ChatProcess {
  stdout = '';
  stderr = '';
  /** Where the next `until` starts looking, so each answer is matched after the line that asked. */
  private cursor = 0;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly listeners = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(args: string[] = []) {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    // The chat under test runs on the embedded stores and its own flags, whatever this shell has.
    for (const name of ['REDIS_URL', 'KEFU_FLOWS_DIR', 'LOG_LEVEL', 'KEFU_CONFIG', 'INIT_CWD']) delete env[name];
    this.child = spawn(process.execPath, ['--import', 'tsx', 'cli/chat.ts', ...args], { cwd: ROOT, env });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.stdout += chunk;
      for (const listener of this.listeners) listener();
    });
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
    running.add(this);
  }

  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Ends standard input, as the end of a piped script does. */
  endInput(): void {
    this.child.stdin.end();
  }

  /** Waits until the output after the last match holds `expected`; returns that stretch of output. */
  async until(expected: string | RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const rest = this.stdout.slice(this.cursor);
        const match = typeof expected === 'string' ? indexAfter(rest, expected) : regexEnd(rest, expected);
        if (match === -1) return;
        this.cursor += match;
        done();
        resolve(rest.slice(0, match));
      };
      const fail = (why: string): void => {
        done();
        reject(new Error(`${why} waiting for ${String(expected)}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`));
      };
      const timer = setTimeout(() => fail('timed out'), WAIT_MS);
      const onExit = (): void => {
        check();
        fail('the chat exited');
      };
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        this.child.off('close', onExit);
      };
      this.listeners.add(check);
      this.child.on('close', onExit);
      check();
      if (this.child.exitCode !== null) onExit();
    });
  }

  /** Waits for the process to end (bounded) and returns its exit code. */
  async exitCode(): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the chat did not exit\n${this.stdout}\n${this.stderr}`)), WAIT_MS);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

function indexAfter(text: string, expected: string): number {
  const at = text.indexOf(expected);
  return at === -1 ? -1 : at + expected.length;
}

function regexEnd(text: string, expected: RegExp): number {
  const match = expected.exec(text);
  return match ? match.index + match[0].length : -1;
}

const running = new Set<ChatProcess>();
const madeDirs: string[] = [];

afterEach(() => {
  for (const chat of running) chat.kill();
  running.clear();
});

afterAll(() => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

/** A private copy of the demo flows, to break or edit. */
function copyOfDemoFlows(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-chat-flows-'));
  madeDirs.push(dir);
  cpSync(path.join(ROOT, 'flows'), dir, { recursive: true });
  return dir;
}

/**
 * The folder watcher starts a moment after the chat does and misses edits made before it is
 * ready: write the file again (same text) until the chat reacts, within the usual bound.
 */
async function untilWatched(chat: ChatProcess, file: string, expected: string): Promise<void> {
  const text = readFileSync(file, 'utf8');
  const rewrite = setInterval(() => writeFileSync(file, text), 500);
  try {
    await chat.until(expected);
  } finally {
    clearInterval(rewrite);
  }
}

function editFile(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

describe('npm run chat', () => {
  it('answers a merchant typing line by line: size advice, buttons by number, product pages, hand-offs', async () => {
    const chat = new ChatProcess();
    await chat.until('/help');

    chat.send('身高170体重60穿什么码');
    await chat.until('kefu › 根据尺寸,您适合M号哦');

    chat.send('你好');
    const greeting = await chat.until('转人工客服');
    expect(greeting).toContain('kefu › 亲,您好!');
    const sizeButton = /\[(\d+)\] 帮我选尺码/.exec(greeting)?.[1];
    expect(sizeButton).toBeDefined();

    // Typing the number presses the button: its payload starts the size flow.
    chat.send(sizeButton!);
    await chat.until('↳ 帮我选尺码 (/ask_size)');
    await chat.until('kefu › 亲,请问您的身高是多少呢?');
    chat.send('170');
    await chat.until('体重大概多少呢');
    chat.send('60kg');
    await chat.until('您适合M号哦');

    // From the hoodie's page the hoodie's own (looser) chart is used.
    chat.send('/product hoodie-fleece');
    await chat.until('hoodie-fleece (加绒连帽卫衣 / Fleece Hoodie)');
    chat.send('身高176体重66穿什么码');
    await chat.until('kefu › 根据尺寸,您适合L号哦');
    chat.send('身高173体重63穿什么码');
    await chat.until('您适合L号哦');
    // A conversation remembers the page it came from: without the product, start a new one.
    chat.send('/product');
    await chat.until('still remembers hoodie-fleece');
    chat.send('/restart');
    await chat.until('new conversation');
    chat.send('身高173体重63穿什么码');
    await chat.until('您适合M号哦');

    chat.send('转人工');
    const handoff = await chat.until('→ handed to a person: asked_for_human');
    // The terminal has no agent desk open: the buyer is told nobody is online, and the hand-off waits.
    expect(handoff).toContain('现在暂时没有人工客服在线');
    const backButton = /\[(\d+)\] 不用了,继续和小蜜聊/.exec(handoff)?.[1];
    expect(backButton).toBeDefined();

    // While a person has the conversation the bot is quiet; its button still takes the buyer back.
    chat.send('还在吗');
    await chat.until('passed on to the person handling this chat');
    chat.send(backButton!);
    await chat.until('小蜜继续为您服务');

    chat.send('/quit');
    expect(await chat.exitCode()).toBe(0);
  }, 180_000);

  it('answers a piped script in order and exits at the end of the input', async () => {
    const chat = new ChatProcess(['--product', 'hoodie-fleece']);
    for (const line of ['身高176体重66穿什么码', '/restart', '/help', '转人工']) chat.send(line);
    chat.endInput();
    expect(await chat.exitCode()).toBe(0);

    const transcript = chat.stdout;
    const inOrder = ['you › 身高176体重66穿什么码', 'kefu › 根据尺寸,您适合L号哦', 'new conversation', 'keep\nchatting', '→ handed to a person'];
    const positions = inOrder.map((text) => transcript.indexOf(text));
    expect(positions.every((at) => at >= 0), transcript).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(chat.stderr).not.toMatch(/"level":\s*[5-6]0/);
  }, 120_000);

  it('with invalid flows, lists every problem as file:line:col and exits 1', async () => {
    const dir = copyOfDemoFlows();
    editFile(path.join(dir, 'size-advice.yaml'), 'say: size_result', 'say: size_reslut');
    const chat = new ChatProcess(['--flows', dir]);
    chat.endInput();
    expect(await chat.exitCode()).toBe(1);
    expect(chat.stderr).toMatch(/size-advice\.yaml:\d+:\d+ unknown response "size_reslut"/);
    expect(chat.stdout).not.toContain('kefu ›');
  }, 120_000);

  it('picks up flow edits while chatting, and keeps the last good flows when an edit breaks them', async () => {
    const dir = copyOfDemoFlows();
    const greetingFile = path.join(dir, 'greeting.yaml');
    const chat = new ChatProcess(['--flows', dir]);
    await chat.until('/help');

    editFile(greetingFile, '24小时在线~', '全天候在线!');
    await untilWatched(chat, greetingFile, '↻ flows reloaded');
    chat.send('你好');
    await chat.until('kefu › 亲,您好!我是小蜜演示店的小蜜,全天候在线!');

    editFile(path.join(dir, 'intents/smalltalk.yaml'), 'answer: greet\n', 'answer: greet_gone\n');
    await chat.until(/smalltalk\.yaml:\d+:\d+ unknown response "greet_gone"/);
    chat.send('你好');
    await chat.until('全天候在线!');

    chat.endInput();
    expect(await chat.exitCode()).toBe(0);
  }, 180_000);

  it('takes hostile and odd input in its stride', async () => {
    const chat = new ChatProcess();
    await chat.until('/help');

    chat.send('啊'.repeat(100_000));
    await chat.until('消息有点长');
    chat.send('\u001b[2J\u001b[31m清屏\u0007');
    await chat.until('you › \\u001b[2J\\u001b[31m清屏\\u0007');
    await chat.until('kefu ›');
    chat.send('/no-such-command');
    await chat.until('unknown command');
    chat.send('/product ');
    await chat.until('no product');
    chat.send('/product no-such-item');
    await chat.until('no-such-item is not in the demo catalog');
    chat.send('/press /no_such_payload');
    await chat.until('按钮已经失效');
    // A number with no button behind it is just text.
    chat.send('42');
    await chat.until('you › 42');
    await chat.until('kefu ›');

    chat.send('/quit');
    expect(await chat.exitCode()).toBe(0);
    // Nothing a buyer typed reached the terminal as a control sequence.
    expect(chat.stdout).not.toContain('\u001b');
  }, 120_000);

  it('refuses unknown flags with the usage and exit code 2', async () => {
    const chat = new ChatProcess(['--flow', 'x']);
    chat.endInput();
    expect(await chat.exitCode()).toBe(2);
    expect(chat.stderr).toContain('usage: npm run chat');
  }, 30_000);
});
