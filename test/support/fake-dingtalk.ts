// A stand-in for DingTalk's servers on loopback, speaking the documented protocol exactly, so the
// desk under test runs its production code with only the host changed:
// - POST /v1.0/oauth2/accessToken {appKey, appSecret} → {accessToken, expireIn}
// - POST /v1.0/robot/groupMessages/send (x-acs-dingtalk-access-token) {robotCode, openConversationId,
//   msgKey, msgParam} → {processQueryKey}; msgParam checked against the sample template's fields
// - POST /robot/sendBySession?session=… (a message's sessionWebhook) → {errcode, errmsg}
// - POST /v1.0/gateway/connections/open {clientId, clientSecret, subscriptions} → {endpoint, ticket}
// - a WebSocket at the endpoint (?ticket=, each ticket used once) speaking the Stream protocol:
//   CALLBACK frames {specVersion, type, headers: {messageId, topic, …}, data}, ACKs
//   {code, headers: {messageId}, message, data}, SYSTEM ping echoed back, SYSTEM disconnect.
//   Like DingTalk, it accepts several connections of one app (one per Kefu process) and hands each
//   frame to one of them, in turn.
// Every call is recorded; failures (429, 500, a refused token) can be queued for the next calls.

import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeDingtalkOptions {
  appKey: string;
  appSecret: string;
  robotCode: string;
  /** Groups the robot was added to. */
  groups: string[];
  /** Token lifetime in seconds (DingTalk: 7200). */
  expireIn?: number;
}

export interface RecordedCall {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

export interface GroupMessage {
  openConversationId: string;
  msgKey: string;
  param: Record<string, string>;
}

export interface StreamAck {
  /** Which connection ACKed it (1 for the first connection opened, 2 for the next, …). */
  connection: number;
  messageId: string;
  code: number;
  headers: Record<string, string>;
  data: string;
}

interface QueuedFailure {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Fields each sample template needs in msgParam. */
const TEMPLATE_FIELDS: Record<string, string[]> = {
  sampleText: ['content'],
  sampleMarkdown: ['title', 'text'],
  sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
  sampleActionCard2: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2'],
  sampleActionCard3: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2', 'actionTitle3', 'actionURL3'],
  sampleActionCard4: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2', 'actionTitle3', 'actionURL3', 'actionTitle4', 'actionURL4'],
  sampleActionCard5: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2', 'actionTitle3', 'actionURL3', 'actionTitle4', 'actionURL4', 'actionTitle5', 'actionURL5'],
};

export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';

export class FakeDingtalk {
  readonly calls: RecordedCall[] = [];
  readonly groupMessages: GroupMessage[] = [];
  /** Bodies posted to session webhooks, by session id. */
  readonly sessionMessages: { session: string; body: any }[] = [];
  readonly acks: StreamAck[] = [];
  readonly pongs: string[] = [];
  /** Connections opened over the life of the fake (a reconnect adds one). */
  connectionCount = 0;
  /** WebSocket handshakes to leave unanswered (a gateway that hangs). */
  hangUpgrades = 0;
  private readonly hung: import('node:stream').Duplex[] = [];
  private readonly tokens = new Map<string, number>();
  private readonly tickets = new Set<string>();
  private readonly sessions = new Map<string, number>();
  private readonly failures = new Map<string, QueuedFailure[]>();
  private readonly sockets: WebSocket[] = [];
  private nextSocket = 0;
  private readonly waiters = new Set<() => void>();
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly wss = new WebSocketServer({ noServer: true });
  /** The fake's clock for token and session expiry (tests move it instead of sleeping). */
  now = Date.now();
  url = '';

  constructor(readonly options: FakeDingtalkOptions) {
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (this.hangUpgrades > 0) {
        this.hangUpgrades--;
        this.hung.push(socket);
        this.notify();
        return;
      }
      if (url.pathname !== '/connect' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
  }

  static async start(options: FakeDingtalkOptions): Promise<FakeDingtalk> {
    const fake = new FakeDingtalk(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as { port: number }).port}`;
    return fake;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    for (const socket of this.hung) socket.destroy();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** DingTalk cannot be reached: the Stream socket drops and connections are refused until comeBack(). */
  async goDown(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Listens again on the same port (what Kefu is configured with). */
  async comeBack(): Promise<void> {
    const port = Number(new URL(this.url).port);
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
  }

  /** The next `count` calls to `path` answer `status` with `body` (and headers). */
  failNext(path: string, status: number, body: unknown, count = 1, headers?: Record<string, string>): void {
    const queue = this.failures.get(path) ?? [];
    for (let i = 0; i < count; i++) queue.push({ status, body, ...(headers ? { headers } : {}) });
    this.failures.set(path, queue);
  }

  /** Forgets every token issued, as DingTalk does when the app secret is reset. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** A session webhook URL valid until `expiresAt`, as DingTalk puts in every robot message. */
  newSessionWebhook(expiresAt: number): string {
    const session = randomUUID();
    this.sessions.set(session, expiresAt);
    return `${this.url}/robot/sendBySession?session=${session}`;
  }

  // ---- Stream side ---------------------------------------------------------------------------

  get streamOpen(): boolean {
    return this.openSockets().length > 0;
  }

  /** Open Stream connections (one per connected Kefu process). */
  get openConnections(): number {
    return this.openSockets().length;
  }

  private openSockets(): WebSocket[] {
    return this.sockets.filter((s) => s.readyState === 1);
  }

  /** Pushes a robot message as a CALLBACK frame; returns the frame's messageId. */
  pushRobotMessage(data: unknown, messageId = `msg-${randomUUID()}`): string {
    this.sendFrame({
      specVersion: '1.0',
      type: 'CALLBACK',
      headers: {
        appId: 'fake-app',
        connectionId: 'fake-connection',
        contentType: 'application/json',
        messageId,
        time: String(Date.now()),
        topic: TOPIC_ROBOT,
      },
      data: typeof data === 'string' ? data : JSON.stringify(data),
    });
    return messageId;
  }

  /** A SYSTEM ping; the client must echo it with code 200 and the same data. */
  ping(): string {
    const opaque = randomUUID();
    this.sendFrame({
      specVersion: '1.0',
      type: 'SYSTEM',
      headers: { contentType: 'application/json', messageId: `ping-${opaque}`, time: String(Date.now()), topic: 'ping' },
      data: JSON.stringify({ opaque }),
    });
    return opaque;
  }

  /** DingTalk's notice before it closes a connection (e.g. a gateway restart), then the close. */
  disconnect(): void {
    const socket = this.pick();
    socket.send(JSON.stringify({
      specVersion: '1.0',
      type: 'SYSTEM',
      headers: { contentType: 'application/json', messageId: `disconnect-${randomUUID()}`, time: String(Date.now()), topic: 'disconnect' },
      data: JSON.stringify({ reason: 'gateway restarting' }),
    }));
    socket.close(1000, 'disconnect');
  }

  /** Sends text exactly as given (malformed frames). */
  sendRaw(text: string): void {
    this.pick().send(text);
  }

  /** The connection the next frame goes to: each open one in turn. */
  private pick(): WebSocket {
    const open = this.openSockets();
    if (open.length === 0) throw new Error('no Stream connection');
    return open[this.nextSocket++ % open.length]!;
  }

  private sendFrame(frame: unknown): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /** Resolves when `check` holds, re-checked on every recorded event; fails after `ms`. */
  async until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake DingTalk: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 100));
        this.waiters.add(done);
      });
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private onConnection(ws: WebSocket): void {
    this.sockets.push(ws);
    this.connectionCount++;
    const connection = this.connectionCount;
    ws.on('message', (raw) => {
      let frame: any;
      try {
        frame = JSON.parse(String(raw));
      } catch {
        return;
      }
      const messageId = frame?.headers?.messageId;
      if (typeof messageId !== 'string') return;
      if (messageId.startsWith('ping-')) this.pongs.push(JSON.parse(frame.data).opaque);
      else this.acks.push({ connection, messageId, code: frame.code, headers: frame.headers, data: frame.data });
      this.notify();
    });
    ws.on('close', () => {
      this.sockets.splice(this.sockets.indexOf(ws), 1);
      this.notify();
    });
    this.notify();
  }

  // ---- HTTP side -----------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    let body: any;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = null;
    }
    this.calls.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });
    const send = (status: number, answer: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(answer));
      this.notify();
    };
    const failure = this.failures.get(url.pathname)?.shift();
    if (failure) return send(failure.status, failure.body, failure.headers);
    if (req.method !== 'POST') return send(405, { code: 'MethodNotAllowed', message: 'POST only' });
    if (body === null || typeof body !== 'object') return send(400, { code: 'InvalidParameter', message: 'body is not JSON' });

    switch (url.pathname) {
      case '/v1.0/oauth2/accessToken': {
        if (body.appKey !== this.options.appKey || body.appSecret !== this.options.appSecret) {
          return send(400, { code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' });
        }
        const accessToken = randomUUID().replaceAll('-', '');
        const expireIn = this.options.expireIn ?? 7200;
        this.tokens.set(accessToken, this.now + expireIn * 1000);
        return send(200, { accessToken, expireIn });
      }
      case '/v1.0/robot/groupMessages/send': {
        const token = req.headers['x-acs-dingtalk-access-token'];
        const until = typeof token === 'string' ? this.tokens.get(token) : undefined;
        if (until === undefined || until < this.now) return send(401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
        if (body.robotCode !== this.options.robotCode) return send(400, { code: 'invalidParameter.robotCode', message: 'robotCode is wrong' });
        if (!this.options.groups.includes(body.openConversationId)) {
          return send(400, { code: 'resource.not.found', message: 'robot is not in the group' });
        }
        const fields = TEMPLATE_FIELDS[body.msgKey];
        if (!fields) return send(400, { code: 'invalidParameter.msgKey', message: `unknown msgKey ${body.msgKey}` });
        let param: Record<string, string>;
        try {
          param = JSON.parse(body.msgParam);
        } catch {
          return send(400, { code: 'invalidParameter.msgParam', message: 'msgParam is not JSON' });
        }
        const missing = fields.filter((f) => typeof param[f] !== 'string' || param[f] === '');
        if (missing.length > 0) return send(400, { code: 'invalidParameter.msgParam', message: `msgParam lacks ${missing.join(', ')}` });
        this.groupMessages.push({ openConversationId: body.openConversationId, msgKey: body.msgKey, param });
        return send(200, { processQueryKey: randomUUID() });
      }
      case '/robot/sendBySession': {
        const session = url.searchParams.get('session') ?? '';
        const until = this.sessions.get(session);
        if (until === undefined || until < this.now) return send(200, { errcode: 300001, errmsg: 'session is invalid or expired' });
        if (typeof body.msgtype !== 'string') return send(200, { errcode: 40035, errmsg: 'msgtype missing' });
        this.sessionMessages.push({ session, body });
        return send(200, { errcode: 0, errmsg: 'ok' });
      }
      case '/v1.0/gateway/connections/open': {
        if (body.clientId !== this.options.appKey || body.clientSecret !== this.options.appSecret) {
          return send(401, { code: 'InvalidAuthentication', message: 'clientId or clientSecret is wrong' });
        }
        if (!Array.isArray(body.subscriptions) || !body.subscriptions.some((s: any) => s?.type === 'CALLBACK' && s?.topic === TOPIC_ROBOT)) {
          return send(400, { code: 'InvalidParameter', message: 'no subscription to robot messages' });
        }
        const ticket = randomUUID();
        this.tickets.add(ticket);
        return send(200, { endpoint: `${this.url.replace('http:', 'ws:')}/connect`, ticket });
      }
      default:
        return send(404, { code: 'NotFound', message: url.pathname });
    }
  }
}
