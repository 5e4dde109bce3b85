// Conversation tests: YAML transcripts under flows/tests/ that the bot must follow
// ("the buyer says X → the reply contains Y"), like Rasa's test stories. They run against the
// engine with the shop's real flows and catalog, and a failure reads as a diff of what was
// expected against what the bot said.

import { DEFAULT_SENTIMENT_HANDOFF, DEFAULT_SENTIMENT_UNLESS_INTENTS, scoreSentiment } from '../insight/sentiment.ts';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import schema from './conversation-tests.schema.json' with { type: 'json' };
import { Engine } from '../engine/engine.ts';
import type { Session } from '../engine/session.ts';
import type { FlowSet } from '../flows/load-flows.ts';
import { formatProblem, type Problem } from '../flows/problems.ts';
import { compileSchema, schemaProblems } from '../flows/schema-check.ts';
import { parseYamlSource, problemAt, type YamlSource } from '../flows/yaml-source.ts';
import type { InboundMessage, Language, MessageContext, Reply } from '../messages.ts';
import { silentLogger, type Catalog, type Clock } from '../ports.ts';
import type { AfterSalePolicy } from '../commerce/after-sale-policy.ts';
import { OrdersUnavailableError, type Orders } from '../commerce/orders.ts';
import type { ProofAttempts } from '../commerce/order-proof.ts';

const validateTestFile = compileSchema(schema);

type Texts = string | string[];

interface TestStep {
  buyer?: string;
  press?: string;
  bot?: Texts;
  bot_not?: Texts;
  buttons?: Texts;
  intent?: string | null;
  slots?: Record<string, unknown>;
  handoff?: boolean | string;
  language?: Language;
}

interface ConversationTest {
  name: string;
  context?: MessageContext;
  /** The buyer's id on the test channel (default buyer-test): whose orders the test sees. */
  buyer?: string;
  /** A visitor nobody vouches for (web chat without the shop's signed identity). */
  guest?: true;
  /** "down": every call to the orders backend fails, as when the shop's system is unreachable. */
  orders_backend?: 'up' | 'down';
  steps: TestStep[];
}

export interface TestCase {
  name: string;
  /** file:line:col of the test, so a failure can be found at once. */
  location: string;
  test: ConversationTest;
}

export interface TestResult {
  testCase: TestCase;
  passed: boolean;
  /** A readable account of the first failing step (empty when passed). */
  failure: string;
}

const asList = (texts: Texts | undefined): string[] => (texts === undefined ? [] : Array.isArray(texts) ? texts : [texts]);

/** Reads every test file under `dir` (the flows' tests/ folder). */
export async function loadConversationTests(dir: string): Promise<{ cases: TestCase[]; problems: Problem[] }> {
  const cases: TestCase[] = [];
  const problems: Problem[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return { cases, problems };
  }
  for (const name of names) {
    const file = path.join(dir, name);
    const shown = path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file);
    const { source, problems: parseProblems } = parseYamlSource(shown, await readFile(file, 'utf8'));
    problems.push(...parseProblems);
    if (!source) continue;
    const shape = schemaProblems(validateTestFile, source);
    problems.push(...shape);
    if (shape.length > 0) continue;
    const tests = (source.data as { tests: ConversationTest[] }).tests;
    tests.forEach((test, i) => {
      test.steps.forEach((step, j) => {
        if ((step.buyer === undefined) === (step.press === undefined)) {
          problems.push(problemAt(source, ['tests', i, 'steps', j], 'a step needs either "buyer" or "press"'));
        }
      });
      cases.push({ name: test.name, location: locate(source, ['tests', i]), test });
    });
  }
  return { cases, problems };
}

function locate(source: YamlSource, at: (string | number)[]): string {
  const { file, line, col } = problemAt(source, at, '');
  return `${file}:${line}:${col}`;
}

function describeReplies(replies: Reply[]): string {
  if (replies.length === 0) return '      (no reply)';
  return replies
    .map((r) => `      + ${r.text}${r.buttons?.length ? `  [${r.buttons.map((b) => b.title).join(' | ')}]` : ''}`)
    .join('\n');
}

/** Compares one step's outcome with its expectations; returns the mismatches, if any. */
function checkStep(
  step: TestStep,
  replies: Reply[],
  outcome: { intent: string | null; handoffReason: string | null; vars: Record<string, unknown> | null; language: Language },
): string[] {
  const said = replies.map((r) => r.text).join('\n');
  const titles = replies.flatMap((r) => r.buttons?.map((b) => b.title) ?? []);
  const problems: string[] = [];
  for (const text of asList(step.bot)) if (!said.includes(text)) problems.push(`      - expected a reply containing: ${text}`);
  for (const text of asList(step.bot_not)) if (said.includes(text)) problems.push(`      - expected no reply containing: ${text}`);
  for (const title of asList(step.buttons)) if (!titles.includes(title)) problems.push(`      - expected a button: ${title}`);
  if (step.intent !== undefined && step.intent !== outcome.intent) {
    problems.push(`      - expected intent ${step.intent}, got ${outcome.intent}`);
  }
  if (step.handoff !== undefined) {
    const expected = step.handoff;
    const ok = typeof expected === 'string' ? outcome.handoffReason === expected : (outcome.handoffReason !== null) === expected;
    if (!ok) problems.push(`      - expected hand-off ${String(expected)}, got ${outcome.handoffReason ?? 'none'}`);
  }
  if (step.language && step.language !== outcome.language) problems.push(`      - expected language ${step.language}, got ${outcome.language}`);
  for (const [name, value] of Object.entries(step.slots ?? {})) {
    // null in a test means "not set".
    const actual = outcome.vars?.[name] ?? null;
    if (JSON.stringify(actual) !== JSON.stringify(value)) {
      problems.push(`      - expected slot ${name} = ${JSON.stringify(value)}, got ${JSON.stringify(actual) ?? 'nothing'}`);
    }
  }
  return problems;
}

export interface RunOptions {
  flows: FlowSet;
  catalog: Catalog;
  shopName: Record<Language, string>;
  /** The bot's sentiment hand-off threshold (insight.sentiment.handoffAtOrBelow); the default when absent. */
  sentimentHandoffAtOrBelow?: number | null;
  /** A fresh orders backend for one test, on the test's clock (the demo shop's, in `npm run flows -- test`). */
  createOrders?: (clock: Clock) => Promise<Orders>;
  /** Where guests' failed order-proof tries are counted (a fresh store per test). */
  createProofAttempts?: (clock: Clock) => ProofAttempts;
  afterSale?: AfterSalePolicy;
}

const ordersDown: Orders = new Proxy({} as Orders, {
  get: () => async () => {
    throw new OrdersUnavailableError('the orders backend is down (conversation test)');
  },
});

export async function runConversationTest(testCase: TestCase, options: RunOptions): Promise<TestResult> {
  const start = Date.UTC(2026, 0, 1, 2, 0, 0);
  let now = start;
  const clock: Clock = { now: () => now };
  const orders = testCase.test.orders_backend === 'down' ? ordersDown : await options.createOrders?.(clock);
  const engine = new Engine({
    flows: () => options.flows,
    catalog: options.catalog,
    shopName: options.shopName,
    maxTextLength: 2000,
    lastTurns: 10,
    logger: silentLogger,
    sentiment: { score: scoreSentiment, handoffAtOrBelow: options.sentimentHandoffAtOrBelow === undefined ? DEFAULT_SENTIMENT_HANDOFF : options.sentimentHandoffAtOrBelow, unlessIntents: DEFAULT_SENTIMENT_UNLESS_INTENTS },
    ...(orders ? { orders } : {}),
    ...(options.createProofAttempts ? { proofAttempts: options.createProofAttempts(clock) } : {}),
    ...(options.afterSale ? { afterSale: options.afterSale } : {}),
  });
  let stored: string | null = null;
  for (const [index, step] of testCase.test.steps.entries()) {
    now = start + index * 1000;
    const message: InboundMessage = {
      id: `test-${index}`,
      conversation: testCase.test.guest
        ? { channel: 'test', conversationId: 'conversation-test', buyerId: 'conversation-test', guest: true }
        : { channel: 'test', conversationId: 'conversation-test', buyerId: testCase.test.buyer ?? 'buyer-test' },
      text: step.buyer ?? '',
      ...(step.press !== undefined ? { payload: step.press } : {}),
      ...(testCase.test.context ? { context: testCase.test.context } : {}),
      receivedAt: now,
    };
    // Through JSON, as a session store would keep it, so a test catches state that does not survive storage.
    const session = stored === null ? null : (JSON.parse(stored) as Session);
    const outcome = await engine.handle(session, message);
    stored = JSON.stringify(outcome.session);
    const mismatches = checkStep(step, outcome.replies, {
      intent: outcome.event.intent,
      handoffReason: outcome.handoff?.reason ?? null,
      vars: outcome.flowVars,
      language: outcome.session.language,
    });
    if (mismatches.length > 0) {
      const said = step.buyer !== undefined ? `buyer: ${step.buyer}` : `press: ${step.press}`;
      return {
        testCase,
        passed: false,
        failure: [`    step ${index + 1}, ${said}`, ...mismatches, '      the bot said:', describeReplies(outcome.replies)].join('\n'),
      };
    }
  }
  return { testCase, passed: true, failure: '' };
}

export function formatProblems(problems: Problem[]): string {
  return problems.map(formatProblem).join('\n');
}
