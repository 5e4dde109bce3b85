// The floor: the least a web chat server on Redis could do for a message, to measure Kefu against.
// Bare express, the same request body Kefu gets (POST /webchat/messages), one Redis GET and one SET
// of the conversation's state per request (as a session load and save would be), a small JSON reply
// in Kefu's shape. No dedupe, no per-conversation lock, no understanding: whatever Kefu is slower
// by is the price of those.
//
// Run as a child of bench/run.ts: PORT, HOST, REDIS_URL and KEFU_BENCH_PREFIX (key prefix) come from
// the environment; it prints "floor listening on http://host:port" when it is ready.

import express, { type NextFunction, type Request, type Response } from 'express';
import { Redis } from 'ioredis';

const ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;
const STATE_TTL_SECONDS = 3600;

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.KEFU_BENCH_PREFIX ?? 'kefu-bench:floor:';
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? '0');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`floor: PORT must be 0-65535, not ${process.env.PORT}\n`);
  process.exit(2);
}

// Fail fast like Kefu's own client: a request during an outage errors instead of queueing.
const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'kefu-bench-floor' });
redis.on('error', (error: Error) => process.stderr.write(`floor: redis: ${error.message}\n`));

const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.use(express.json({ limit: '64kb' }));

app.get('/healthz', (_request, response) => {
  response.json({ ok: redis.status === 'ready' });
});

app.post('/webchat/messages', async (request: Request, response: Response) => {
  const body: unknown = request.body;
  const conversationId = typeof body === 'object' && body !== null ? (body as { conversationId?: unknown }).conversationId : undefined;
  const text = typeof body === 'object' && body !== null ? (body as { text?: unknown }).text : undefined;
  if (typeof conversationId !== 'string' || !ID_PATTERN.test(conversationId) || typeof text !== 'string') {
    response.status(400).json({ error: 'conversationId (letters, digits, _ . : @ -) and text are required' });
    return;
  }
  const key = `${prefix}${conversationId}`;
  try {
    const previous = await redis.get(key);
    const turns = previous === null ? 1 : turnsOf(previous) + 1;
    await redis.set(key, JSON.stringify({ turns, last: text.slice(0, 200) }), 'EX', STATE_TTL_SECONDS);
    response.json({ replies: [{ text: `ok ${turns}` }] });
  } catch (error) {
    response.status(503).set('retry-after', '1').json({ error: `redis: ${(error as Error).message}` });
  }
});

app.use((_request: Request, response: Response) => {
  response.status(404).json({ error: 'not found' });
});

// Malformed or oversized JSON lands here (express.json passes a 4xx error on).
app.use((error: Error & { status?: number }, _request: Request, response: Response, _next: NextFunction) => {
  const status = error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : 500;
  response.status(status).json({ error: status === 500 ? 'internal error' : error.message });
});

function turnsOf(json: string): number {
  try {
    const turns = (JSON.parse(json) as { turns?: unknown }).turns;
    return typeof turns === 'number' && Number.isFinite(turns) ? turns : 0;
  } catch {
    return 0;
  }
}

const server = app.listen(port, host, (error?: Error) => {
  if (error) {
    process.stderr.write(`floor: cannot listen on ${host}:${port}: ${error.message}\n`);
    process.exit(1);
  }
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`floor listening on http://${host}:${actualPort}\n`);
});
server.keepAliveTimeout = 65_000;

const stop = (): void => {
  server.close(() => {
    redis.disconnect();
    process.exit(0);
  });
  server.closeAllConnections();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
