// A stand-in for Slack's Web API on loopback, for tests: the methods Kefu's Slack desk calls, at
// the same paths (POST /api/<method>), taking the same bodies (form-encoded as the official
// WebClient sends them, or JSON) and answering the same shapes ({ ok, ... } or { ok: false, error }).
// It checks the bot token like Slack does (invalid_auth), records every call, and can be told to
// answer the next calls of a method with 429 + Retry-After or with 500, as Slack does under load.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';

export const FAKE_BOT_USER_ID = 'U0KEFUBOT';
export const FAKE_BOT_ID = 'B0KEFUBOT';

export interface SlackCall {
  method: string;
  args: Record<string, any>;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks?: any[];
  /** Ephemeral messages are seen by this user only. */
  ephemeralTo?: string;
}

type Fault = { status: 429; retryAfterSeconds: number } | { status: 500 };

export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  /** Messages in channels and threads as they stand (chat.update edits them in place). */
  readonly messages: PostedMessage[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private server: Server | null = null;
  private nextTs = 1_700_000_000_000_100;
  private readonly rateLimited: { method: string; retryAfterSeconds: number }[] = [];

  /** For Socket Mode: the app-level token apps.connections.open takes, and the WebSocket URL it answers. */
  socketMode: { appToken: string; url: string } | null = null;

  constructor(private readonly botToken: string) {}

  /** Base URL for the WebClient's slackApiUrl (ends with /api/). */
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    // After goDown(), the same port again, so Kefu's configured URL reaches Slack once it is back.
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}/api/`;
    return this;
  }

  private port = 0;

  /** Slack cannot be reached: connections are refused until comeBack(). What was posted is kept. */
  async goDown(): Promise<void> {
    await this.close();
  }

  async comeBack(): Promise<void> {
    await this.start();
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` calls of `method` get this answer instead of a normal one. */
  fail(method: string, fault: Fault, times = 1): void {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(method, list);
  }

  /** 429s answered so far. */
  rateLimitsAnswered(): readonly { method: string; retryAfterSeconds: number }[] {
    return this.rateLimited;
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Thread replies under a message, oldest first (ephemeral ones included, marked). */
  thread(channel: string, ts: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.thread_ts === ts);
  }

  /** Where the message log stands now, for cardsSince. */
  mark(): number {
    return this.messages.length;
  }

  /** Cards (top-level messages with blocks) posted since a mark, oldest first. */
  cardsSince(mark: number): PostedMessage[] {
    return this.messages.slice(mark).filter((m) => !m.thread_ts && !m.ephemeralTo && m.blocks);
  }

  /** Top-level messages of a channel (the hand-off cards). */
  topLevel(channel: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel === channel && !m.thread_ts && !m.ephemeralTo);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      response.end(JSON.stringify(body));
    };
    const match = /^\/api\/([a-zA-Z.]+)$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) return send(404, { ok: false, error: 'unknown_method' });
    const method = match[1]!;
    const args = parseArgs(raw, String(request.headers['content-type'] ?? ''));
    this.calls.push({ method, args });

    const fault = this.faults.get(method)?.shift();
    if (fault?.status === 429) {
      this.rateLimited.push({ method, retryAfterSeconds: fault.retryAfterSeconds });
      return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfterSeconds) });
    }
    if (fault?.status === 500) return send(500, { ok: false, error: 'internal_error' });

    const auth = String(request.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : args.token;
    if (!token) return send(200, { ok: false, error: 'not_authed' });
    if (method === 'apps.connections.open') {
      // Only an app-level token opens a Socket Mode connection; a bot token is refused.
      if (!this.socketMode || token !== this.socketMode.appToken) return send(200, { ok: false, error: 'invalid_auth' });
      return send(200, { ok: true, url: this.socketMode.url });
    }
    if (token !== this.botToken) return send(200, { ok: false, error: 'invalid_auth' });

    switch (method) {
      case 'auth.test':
        return send(200, { ok: true, url: 'https://kefu-test.slack.com/', team: 'Kefu Test', user: 'kefu', team_id: 'T0KEFU', user_id: FAKE_BOT_USER_ID, bot_id: FAKE_BOT_ID });
      case 'chat.postMessage': {
        if (!args.channel) return send(200, { ok: false, error: 'channel_not_found' });
        if (!args.text && !args.blocks) return send(200, { ok: false, error: 'no_text' });
        if (args.thread_ts && !this.messages.some((m) => m.channel === args.channel && m.ts === args.thread_ts)) {
          return send(200, { ok: false, error: 'thread_not_found' });
        }
        const message: PostedMessage = { channel: args.channel, ts: this.ts(), text: args.text ?? '', ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}), ...(args.blocks ? { blocks: args.blocks } : {}) };
        this.messages.push(message);
        return send(200, { ok: true, channel: message.channel, ts: message.ts, message: { type: 'message', text: message.text, user: FAKE_BOT_USER_ID, bot_id: FAKE_BOT_ID, ts: message.ts, ...(message.blocks ? { blocks: message.blocks } : {}) } });
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts && !m.ephemeralTo);
        if (!message) return send(200, { ok: false, error: 'message_not_found' });
        message.text = args.text ?? message.text;
        if (args.blocks) message.blocks = args.blocks;
        return send(200, { ok: true, channel: message.channel, ts: message.ts, text: message.text });
      }
      case 'chat.postEphemeral': {
        if (!args.channel || !args.user) return send(200, { ok: false, error: 'user_not_in_channel' });
        const message: PostedMessage = { channel: args.channel, ts: this.ts(), text: args.text ?? '', ephemeralTo: args.user, ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}) };
        this.messages.push(message);
        return send(200, { ok: true, message_ts: message.ts });
      }
      default:
        return send(200, { ok: false, error: 'unknown_method' });
    }
  }

  private ts(): string {
    const n = this.nextTs++;
    return `${Math.floor(n / 1_000_000)}.${String(n % 1_000_000).padStart(6, '0')}`;
  }
}

/** The WebClient sends form fields, with objects (blocks) as JSON text; some clients send JSON. */
function parseArgs(raw: string, contentType: string): Record<string, any> {
  if (contentType.startsWith('application/json')) return raw ? JSON.parse(raw) : {};
  const form = parseQuery(raw) as Record<string, any>;
  for (const key of ['blocks', 'attachments', 'metadata']) {
    if (typeof form[key] === 'string') form[key] = JSON.parse(form[key]);
  }
  return form;
}
