// The load generator: N simulated buyers, each running the same short web chat dialogue over and
// over in a closed loop (a buyer sends its next message only when the previous reply has arrived,
// the way a person waits for the bot). Every request is timed from the first byte written to the
// last byte read, and every reply is checked: a fast wrong answer must count as an error, never as
// throughput.
//
// It speaks plain node:http through one keep-alive agent per target, so the cost of the client is
// small and the same for every target it drives.

import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface DialogueTurn {
  text: string;
  /** Some reply of this turn must contain this text (checked only when the target gives real answers). */
  expect?: string;
}

/**
 * "你好" → "帮我推荐一下尺码" → "170" → "60kg" → "谢谢": a greeting, the size flow asking height and
 * weight one at a time, the advice (170 cm, 60 kg is an M on the demo shop's chart) and thanks.
 */
export const SIZE_ADVICE_DIALOGUE: readonly DialogueTurn[] = [
  { text: '你好' },
  { text: '帮我推荐一下尺码', expect: '身高' },
  { text: '170', expect: '体重' },
  { text: '60kg', expect: 'M号' },
  { text: '谢谢' },
];

export interface LoadOptions {
  /** Base URL of the target, e.g. http://127.0.0.1:3000 (POST <url>/webchat/messages). */
  url: string;
  agent: http.Agent;
  /** Concurrent buyers (each one conversation at a time). */
  conversations: number;
  /** Stop starting messages after this long. */
  seconds: number;
  /** Stop each buyer after this many whole dialogues (the time limit above still applies). */
  rounds?: number;
  dialogue: readonly DialogueTurn[];
  /** Check each reply's text against the turn's `expect` (off for the floor, which answers a stub). */
  checkAnswers: boolean;
  /** Makes conversation ids unique to this run and phase, e.g. "b3f9a1-kefu-1". */
  idPrefix: string;
  /** A request without a complete reply after this long counts as an error. Default 10000. */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface LoadResult {
  /** Messages answered correctly, with status 200. */
  messages: number;
  /** Whole dialogues finished without an error. */
  dialogues: number;
  /** From the first request to the last reply. */
  elapsedMs: number;
  /** Latency of every correct reply, in ms, in arrival order. */
  latenciesMs: number[];
  /** Errors by kind, e.g. "status 503" or "wrong answer at turn 4". */
  errors: Map<string, number>;
}

export interface LoadSummary {
  messages: number;
  dialogues: number;
  seconds: number;
  messagesPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
}

/** Largest reply body read; a target that streams more is broken, and the buyer must not hoard it. */
const MAX_REPLY_BYTES = 1 << 20;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.dialogue.length === 0) throw new RangeError('the dialogue needs at least one turn');
  if (!Number.isInteger(options.conversations) || options.conversations < 1) throw new RangeError('conversations must be a positive whole number');
  const result: LoadResult = { messages: 0, dialogues: 0, elapsedMs: 0, latenciesMs: [], errors: new Map() };
  const target = new URL('/webchat/messages', options.url);
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  let lastReply = started;

  const countError = (kind: string): void => {
    result.errors.set(kind, (result.errors.get(kind) ?? 0) + 1);
  };

  const buyer = async (index: number): Promise<void> => {
    for (let round = 0; options.rounds === undefined || round < options.rounds; round += 1) {
      const conversationId = `${options.idPrefix}-${index}-${round}`;
      let completed = true;
      for (const [turnIndex, turn] of options.dialogue.entries()) {
        if (performance.now() >= deadline || options.signal?.aborted) return;
        const body = JSON.stringify({ conversationId, messageId: `m${turnIndex + 1}`, text: turn.text });
        const sent = performance.now();
        const reply = await post(target, body, options.agent, timeoutMs);
        const received = performance.now();
        lastReply = Math.max(lastReply, received);
        const problem = reply.error ?? judgeReply(reply.status, reply.body, options.checkAnswers ? turn.expect : undefined, turnIndex);
        if (problem !== null) {
          countError(problem);
          // The conversation's state is unknown now: the buyer starts a fresh one.
          completed = false;
          break;
        }
        result.messages += 1;
        result.latenciesMs.push(received - sent);
      }
      if (completed) result.dialogues += 1;
    }
  };

  await Promise.all(Array.from({ length: options.conversations }, (_, index) => buyer(index)));
  result.elapsedMs = lastReply - started;
  return result;
}

/** Null when the reply is a 200 with the web chat's shape (and the expected text); else what is wrong. */
function judgeReply(status: number, body: string, expect: string | undefined, turnIndex: number): string | null {
  if (status !== 200) return `status ${status}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'reply is not JSON';
  }
  const replies = (parsed as { replies?: unknown }).replies;
  if (!Array.isArray(replies) || replies.length === 0) return 'reply has no replies';
  const texts = replies.map((reply) => (typeof reply === 'object' && reply !== null ? (reply as { text?: unknown }).text : undefined));
  if (texts.some((text) => typeof text !== 'string')) return 'reply without text';
  if (expect !== undefined && !texts.some((text) => (text as string).includes(expect))) {
    return `wrong answer at turn ${turnIndex + 1} (expected "${expect}")`;
  }
  return null;
}

interface PostResult {
  status: number;
  body: string;
  /** Set when no complete HTTP reply came back. */
  error: string | null;
}

function post(url: URL, body: string, agent: http.Agent, timeoutMs: number): Promise<PostResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_REPLY_BYTES) {
            request.destroy();
            finish({ status: response.statusCode ?? 0, body: '', error: 'reply too large' });
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => finish({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), error: null }));
        response.on('error', (error: NodeJS.ErrnoException) => finish({ status: 0, body: '', error: `network: ${error.code ?? error.message}` }));
      },
    );
    request.on('timeout', () => {
      request.destroy();
      finish({ status: 0, body: '', error: `no reply within ${timeoutMs} ms` });
    });
    request.on('error', (error: NodeJS.ErrnoException) => finish({ status: 0, body: '', error: `network: ${error.code ?? error.message}` }));
    request.end(body);
  });
}

/** Adds up several runs against the same target (e.g. the two halves of an interleaved measurement). */
export function mergeResults(results: readonly LoadResult[]): LoadResult {
  const merged: LoadResult = { messages: 0, dialogues: 0, elapsedMs: 0, latenciesMs: [], errors: new Map() };
  for (const result of results) {
    merged.messages += result.messages;
    merged.dialogues += result.dialogues;
    merged.elapsedMs += result.elapsedMs;
    for (const latency of result.latenciesMs) merged.latenciesMs.push(latency);
    for (const [kind, count] of result.errors) merged.errors.set(kind, (merged.errors.get(kind) ?? 0) + count);
  }
  return merged;
}

export function summarize(result: LoadResult): LoadSummary {
  const sorted = Float64Array.from(result.latenciesMs).sort();
  const seconds = result.elapsedMs / 1000;
  let errors = 0;
  for (const count of result.errors.values()) errors += count;
  return {
    messages: result.messages,
    dialogues: result.dialogues,
    seconds,
    messagesPerSecond: seconds > 0 ? result.messages / seconds : 0,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] ?? 0) : 0,
    errors,
  };
}

/** Nearest-rank percentile of sorted values; 0 for none. */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? 0;
}
