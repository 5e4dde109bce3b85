// `npm run chat` — talk to your flows in the terminal, as a buyer would, before any buyer does.
//
//   npm run chat [-- --flows <dir>] [--product <id>]
//
// Kefu runs inside this process (memory stores, or Redis when REDIS_URL is set), so what you see is
// what a buyer on any channel gets. Buttons show as numbered options; type the number to press one.
// Flow files reload while you chat. Standard input may be a pipe: every line is answered in turn
// and the chat ends at the end of the input, so a conversation can be scripted.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { Transform } from 'node:stream';
import { parseArgs } from 'node:util';
import { DemoCatalog } from '../adapters/commerce/demo/demo-catalog.ts';
import { watchFolder, type FolderWatcher } from '../adapters/files/watch-folder.ts';
import { createLogger } from '../adapters/logging/create-logger.ts';
import { ConfigError, loadConfig, type LoadedConfig } from '../config/load-config.ts';
import { InvalidFilesError, formatProblem, sortProblems } from '../dialogs/flows/problems.ts';
import type { Button, InboundMessage, Reply } from '../dialogs/messages.ts';
import { composeKefu, type Kefu } from '../server.ts';
import type { QueuedHandoff } from '../adapters/agent-desk/in-memory-agent-queue.ts';

const CHANNEL = 'terminal';
const BUYER_ID = 'terminal-buyer';
/** Piped input is cut to this many bytes a line, so one endless line cannot fill the memory. */
const MAX_LINE_BYTES = 64 * 1024;
/** How much of a piped line is echoed back into the transcript. */
const MAX_ECHO_CHARS = 200;
const MAX_PRODUCT_ID_CHARS = 200;

const USAGE = `usage: npm run chat [-- --flows <dir>] [--product <id>]

  --flows <dir>    chat with the flows in <dir> instead of the configured folder
  --product <id>   start as if the buyer opened the chat from that product's page

Environment: REDIS_URL keeps sessions in Redis; LOG_LEVEL shows Kefu's log (default: warnings only).`;

// ---------------------------------------------------------------------------------------------
// Terminal output

const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: string) => (text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
const dim = paint('2');
const bold = paint('1');
const cyan = paint('36');
const yellow = paint('33');
const red = paint('31');

const BOT_PREFIX = 'kefu › ';
const BUYER_PROMPT = 'you › ';

/**
 * Shows text exactly, except control characters: a reply that echoes what a buyer typed must not
 * be able to move the cursor or recolour the terminal. They appear as visible escapes instead.
 */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is made visible here
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Replies as numbered options; numbering runs across all the bubbles of one answer. */
function renderReplies(replies: readonly Reply[]): { lines: string[]; buttons: Button[] } {
  const lines: string[] = [];
  const buttons: Button[] = [];
  const indent = ' '.repeat(BOT_PREFIX.length);
  for (const reply of replies) {
    const [first = '', ...rest] = printable(reply.text).split('\n');
    lines.push(`${bold(cyan(BOT_PREFIX))}${first}`, ...rest.map((line) => `${indent}${line}`));
    if (reply.card) {
      const { title, subtitle, url } = reply.card;
      lines.push(`  ${dim('▣')} ${printable(title)}${subtitle ? ` — ${printable(subtitle)}` : ''}${url ? dim(`  ${printable(url)}`) : ''}`);
    }
    for (const button of reply.buttons ?? []) {
      buttons.push(button);
      lines.push(`  [${buttons.length}] ${printable(button.title)}`);
    }
  }
  return { lines, buttons };
}

// ---------------------------------------------------------------------------------------------
// Arguments

interface ChatArguments {
  flowsDir?: string;
  productId?: string;
}

function parseChatArguments(argv: string[]): ChatArguments | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      flows: { type: 'string' },
      product: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  if (values.flows !== undefined && values.flows.trim() === '') throw new Error('--flows needs a folder');
  const product = values.product === undefined ? undefined : checkedProductId(values.product);
  // `npm run` starts scripts in the package folder; a relative folder means the merchant's own.
  const base = process.env.INIT_CWD ?? process.cwd();
  return {
    ...(values.flows !== undefined ? { flowsDir: path.resolve(base, values.flows) } : {}),
    ...(product !== undefined ? { productId: product } : {}),
  };
}

function checkedProductId(raw: string): string {
  const id = raw.trim();
  // eslint-disable-next-line no-control-regex -- a product id with control characters is refused
  if (id === '' || id.length > MAX_PRODUCT_ID_CHARS || /[\u0000-\u001f\u007f\s]/.test(id)) {
    throw new Error(`"${printable(id.slice(0, 40))}" is not a product id`);
  }
  return id;
}

/** Warnings only, unless the merchant asked for more (or less) in the environment. */
function chatLogLevel(loaded: LoadedConfig): string {
  return loaded.sources['logging.level']?.startsWith('env ') ? loaded.config.logging.level : 'warn';
}

// ---------------------------------------------------------------------------------------------
// Reading lines

/** Cuts every line of a piped input to `maxBytes`, passing the newlines through. */
function capLineLength(maxBytes: number): Transform {
  const newline = Buffer.from('\n');
  let lineBytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const kept: Buffer[] = [];
      let start = 0;
      while (start < chunk.length) {
        const end = chunk.indexOf(0x0a, start);
        const stop = end === -1 ? chunk.length : end;
        const take = Math.min(Math.max(0, maxBytes - lineBytes), stop - start);
        if (take > 0) kept.push(chunk.subarray(start, start + take));
        lineBytes += stop - start;
        if (end === -1) break;
        kept.push(newline);
        lineBytes = 0;
        start = end + 1;
      }
      done(null, Buffer.concat(kept));
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The chat

class TerminalChat {
  private conversationId = newConversationId();
  private messageNumber = 0;
  private productId: string | undefined;
  /** The buttons of the last answer, pressed by typing their number. */
  private buttons: Button[] = [];
  private busy = false;
  private explainedHandoff = false;
  private readonly interactive: boolean;
  private rl: readline.Interface | null = null;

  constructor(
    private readonly kefu: Kefu,
    private readonly catalog: DemoCatalog,
    private readonly flowsDir: string,
    productId: string | undefined,
  ) {
    this.productId = productId;
    this.interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  }

  /** Prints a line that did not come from the merchant's typing (a reload, a log line). */
  notice(text: string): void {
    if (this.rl && this.interactive && !this.busy) {
      readline.clearLine(process.stdout, 0);
      readline.cursorTo(process.stdout, 0);
      process.stdout.write(`${text}\n`);
      this.rl.prompt(true);
    } else {
      process.stdout.write(`${text}\n`);
    }
  }

  async run(): Promise<void> {
    const flowSet = this.kefu.flows();
    console.log(
      `${bold('Kefu terminal chat')} — flows from ${shownPath(this.flowsDir)} ` +
        `(${flowSet.intents.size} intents, ${flowSet.flows.size} flows), sessions in ${this.kefu.storage}.`,
    );
    console.log(dim('Type as a buyer would. /help lists the commands; /quit or Ctrl-D leaves.'));
    if (this.productId) await this.describeProduct();

    const input = this.interactive ? process.stdin : process.stdin.pipe(capLineLength(MAX_LINE_BYTES));
    const rl = readline.createInterface({
      input,
      output: this.interactive ? process.stdout : undefined,
      terminal: this.interactive,
      prompt: BUYER_PROMPT,
      crlfDelay: Infinity,
    });
    this.rl = rl;
    rl.on('SIGINT', () => rl.close());
    if (this.interactive) rl.prompt();

    let first = true;
    let quit = false;
    try {
      for await (const raw of rl) {
        let line = raw;
        if (first) line = line.replace(/^\uFEFF/, '');
        first = false;
        if (!this.interactive && line.trim() !== '') {
          const echo = line.length > MAX_ECHO_CHARS ? `${line.slice(0, MAX_ECHO_CHARS)}… (${line.length} characters)` : line;
          console.log(`${BUYER_PROMPT}${printable(echo)}`);
        }
        this.busy = true;
        let keepGoing = true;
        try {
          keepGoing = await this.handleLine(line);
        } finally {
          this.busy = false;
        }
        if (!keepGoing) {
          quit = true;
          break;
        }
        if (this.interactive) rl.prompt();
      }
    } finally {
      rl.close();
      this.rl = null;
    }
    // Ctrl-D or Ctrl-C leave the cursor after the prompt.
    if (!quit && this.interactive) process.stdout.write('\n');
  }

  /** Returns false when the merchant leaves. */
  private async handleLine(line: string): Promise<boolean> {
    const text = line.trim();
    if (text === '') return true;

    const pressed = /^\d{1,3}$/.test(text) ? this.buttons[Number(text) - 1] : undefined;
    if (pressed) {
      console.log(dim(`  ↳ ${printable(pressed.title)} (${printable(pressed.payload)})`));
      await this.send('', pressed.payload);
      return true;
    }

    const command = /^\/(\S+)(?:\s+([\s\S]*))?$/.exec(text);
    if (!command) {
      await this.send(line);
      return true;
    }
    const [, name = '', argument = ''] = command;
    switch (name.toLowerCase()) {
      case 'quit':
      case 'exit':
        return false;
      case 'help':
        this.printHelp();
        return true;
      case 'restart':
        this.conversationId = newConversationId();
        this.messageNumber = 0;
        this.buttons = [];
        console.log(dim(`— new conversation ${this.conversationId}: the bot does not know you yet —`));
        return true;
      case 'product':
        await this.setProduct(argument.trim());
        return true;
      case 'press':
        if (argument.trim() === '') console.log(yellow('  /press needs a payload, e.g. /press /ask_size'));
        else await this.send('', argument.trim());
        return true;
      default:
        console.log(yellow(`  unknown command /${printable(name)}: /help lists the commands (a button payload goes with /press ${printable(text)})`));
        return true;
    }
  }

  private async send(text: string, payload?: string): Promise<void> {
    const conversation = { channel: CHANNEL, conversationId: this.conversationId, buyerId: BUYER_ID };
    const message: InboundMessage = {
      id: `${this.conversationId}-${++this.messageNumber}`,
      conversation,
      text,
      ...(payload !== undefined ? { payload } : {}),
      ...(this.productId ? { context: { productId: this.productId } } : {}),
      buyerName: 'Terminal chat',
      receivedAt: Date.now(),
    };
    const before = this.latestHandoff();
    const relayedBefore = before?.buyerMessages.length ?? 0;
    let replies: Reply[];
    try {
      ({ replies } = await this.kefu.conversations.receive(message));
    } catch (error) {
      console.log(red(`  ✗ the message could not be handled: ${printable((error as Error).message)}`));
      console.log(dim('    (a platform would send it again; here, type it again)'));
      return;
    }

    const rendered = renderReplies(replies);
    for (const line of rendered.lines) console.log(line);
    // An answer without buttons (a relayed message) leaves the previous ones pressable.
    if (replies.length > 0) this.buttons = rendered.buttons;

    const after = this.latestHandoff();
    if (after && after !== before) {
      const { reason, detail } = after.request;
      console.log(yellow(`→ handed to a person: ${reason}${detail ? ` (${printable(detail)})` : ''}`));
      if (!this.explainedHandoff) {
        this.explainedHandoff = true;
        console.log(dim('  (an agent would pick it up in the team chat; here it waits in the in-memory queue)'));
      }
    } else if (after && after.buyerMessages.length > relayedBefore && replies.length === 0) {
      console.log(dim('  (passed on to the person handling this chat; the bot stays quiet until the buyer asks for it back, or /restart)'));
    } else if (replies.length === 0) {
      console.log(dim('  (no reply)'));
    }
  }

  /** The newest hand-off of this conversation, if any. */
  private latestHandoff(): QueuedHandoff | undefined {
    const waiting = this.kefu.agentQueue.waiting();
    for (let i = waiting.length - 1; i >= 0; i--) {
      const handoff = waiting[i]!;
      const { channel, conversationId } = handoff.request.conversation;
      if (channel === CHANNEL && conversationId === this.conversationId) return handoff;
    }
    return undefined;
  }

  private async setProduct(argument: string): Promise<void> {
    if (argument === '') {
      const previous = this.productId;
      this.productId = undefined;
      console.log(dim('  no product: the next messages come from the shop, not a product page'));
      // The engine keeps a conversation's product in its session, as a buyer's chat would.
      if (previous && this.messageNumber > 0) console.log(dim(`  (this conversation still remembers ${previous}; /restart to forget it)`));
      return;
    }
    try {
      this.productId = checkedProductId(argument);
    } catch (error) {
      console.log(yellow(`  ${(error as Error).message}`));
      return;
    }
    await this.describeProduct();
  }

  private async describeProduct(): Promise<void> {
    const id = this.productId!;
    const product = await this.catalog.getProduct(id);
    if (product) {
      console.log(dim(`  messages now come from the page of ${id} (${product.name['zh-Hans']} / ${product.name.en})`));
    } else {
      const known = (await this.catalog.listProducts()).map((p) => p.id).join(', ');
      console.log(yellow(`  ${printable(id)} is not in the demo catalog (it has ${known}); messages carry it anyway`));
    }
  }

  private printHelp(): void {
    console.log(
      [
        'Type as a buyer would; Kefu answers exactly as it would on any channel.',
        '  1, 2, …          press that button of the last answer',
        '  /product <id>    chat as if from that product\'s page, e.g. /product hoodie-fleece',
        '  /product         no product for the next messages (/restart forgets it too)',
        '  /press <payload> send a button payload by hand, e.g. /press /ask_size',
        '  /restart         start a new conversation (the bot forgets this one)',
        '  /quit            leave (Ctrl-D too)',
        '  /help            this list',
        `Flows reload by themselves: edit a file in ${shownPath(this.flowsDir)} in another window and keep`,
        'chatting. If the edit has a problem it is listed here, and the bot keeps the flows it had.',
        `Now: conversation ${this.conversationId}${this.productId ? `, product ${this.productId}` : ', no product'}.`,
      ].join('\n'),
    );
  }
}

function newConversationId(): string {
  return `chat-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

function shownPath(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative === '' ? '.' : relative.startsWith('..') ? dir : `${relative}/`;
}

/**
 * Kefu's own log, on standard error so it does not mix with the chat. On a terminal a JSON line
 * is hard to read between chat bubbles, so it is shortened to its level and message there.
 */
function logDestination(show: (text: string) => void): { write(line: string): void } {
  if (!process.stderr.isTTY) return { write: (line) => void process.stderr.write(line) };
  const names: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  return {
    write(line) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: unknown; problems?: unknown };
        // A failed reload: the chat lists its problems itself, more readably.
        if (Array.isArray(entry.problems)) return;
        const extra = entry.err !== undefined ? `: ${String(entry.err)}` : '';
        show(dim(`  [${names[entry.level ?? 0] ?? 'log'}] ${printable(String(entry.msg ?? ''))}${printable(extra)}`));
      } catch {
        process.stderr.write(line);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Start and stop

async function main(argv: string[]): Promise<number> {
  let chatArguments: ChatArguments | 'help';
  try {
    chatArguments = parseChatArguments(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (chatArguments === 'help') {
    console.log(USAGE);
    return 0;
  }

  let loaded: LoadedConfig;
  try {
    loaded = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const config = structuredClone(loaded.config);
  if (chatArguments.flowsDir) config.flows.dir = chatArguments.flowsDir;
  // The chat watches the folder itself, so it can say in the chat whether an edit took.
  const watch = config.flows.watch;
  config.flows.watch = false;

  let chat: TerminalChat | null = null;
  const logger = createLogger({
    level: chatLogLevel(loaded),
    secretPaths: loaded.secretPaths,
    destination: logDestination((text) => (chat ? chat.notice(text) : process.stderr.write(`${text}\n`))),
  });

  let kefu: Kefu;
  let catalog: DemoCatalog;
  try {
    catalog = await DemoCatalog.load();
    kefu = await composeKefu(config, { logger, catalog });
  } catch (error) {
    if (error instanceof InvalidFilesError) {
      process.stderr.write('The flow files have problems; fix them and start the chat again:\n');
      for (const problem of sortProblems(error.problems)) process.stderr.write(`${formatProblem(problem)}\n`);
      return 1;
    }
    process.stderr.write(`Kefu cannot start: ${(error as Error).message}\n`);
    return 1;
  }

  chat = new TerminalChat(kefu, catalog, config.flows.dir, chatArguments.productId);
  const activeChat = chat;
  let watcher: FolderWatcher | null = null;
  if (watch) {
    watcher = watchFolder(config.flows.dir, () => {
      void kefu.reloadFlows().then(({ ok, problems }) => {
        if (ok) {
          const set = kefu.flows();
          activeChat.notice(dim(`↻ flows reloaded: ${set.intents.size} intents, ${set.flows.size} flows`));
        } else {
          activeChat.notice(
            [red('✗ the flow files have problems; the bot keeps the flows it had:'), ...problems.map((p) => `  ${printable(p)}`)].join('\n'),
          );
        }
      });
    });
  }

  try {
    await chat.run();
  } finally {
    await watcher?.close();
    await kefu.close();
  }
  if (process.stdout.isTTY) console.log(dim('bye'));
  return 0;
}

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;
// Nothing should keep the process alive after the chat ends; if something does, do not hang.
setTimeout(() => process.exit(exitCode), 2000).unref();
