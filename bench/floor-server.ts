// The floor: the least a web chat server on Redis could do for a message, to measure Kefu against.
// Node's own http server (no framework), the same request body Kefu gets (POST /webchat/messages),
// one pipelined Redis round trip per request (GET of the conversation's state and SET of the new
// one, as a session load and save would be), a small JSON reply in Kefu's shape. No dedupe, no
// per-conversation lock, no understanding: whatever Kefu is slower by is the price of those.
//
// Run as a child of bench/run.ts: PORT, HOST, REDIS_URL and KEFU_BENCH_PREFIX (key prefix) come from
// the environment; it prints "floor listening on http://host:port" when it is ready.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody, sendJson } from './json-http.ts';
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



async function answerMessage(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const raw = await readBody(request);
  if (raw === null) return sendJson(response, 413, { error: 'body too large' });
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return sendJson(response, 400, { error: 'malformed JSON' });
  }
  const conversationId = typeof body === 'object' && body !== null ? (body as { conversationId?: unknown }).conversationId : undefined;
  const text = typeof body === 'object' && body !== null ? (body as { text?: unknown }).text : undefined;
  if (typeof conversationId !== 'string' || !ID_PATTERN.test(conversationId) || typeof text !== 'string') {
    return sendJson(response, 400, { error: 'conversationId (letters, digits, _ . : @ -) and text are required' });
  }
  const key = `${prefix}${conversationId}`;
  try {
    // One round trip: the state as it was, and the new one written.
    const results = await redis.pipeline().get(key).set(key, JSON.stringify({ last: text.slice(0, 200), at: Date.now() }), 'EX', STATE_TTL_SECONDS).exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
    sendJson(response, 200, { replies: [{ text: results?.[0]?.[1] === null ? 'ok, new' : 'ok' }] });
  } catch (error) {
    sendJson(response, 503, { error: `redis: ${(error as Error).message}` }, { 'retry-after': '1' });
  }
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/healthz') return sendJson(response, 200, { ok: redis.status === 'ready' });
  if (request.method === 'POST' && request.url === '/webchat/messages') {
    answerMessage(request, response).catch(() => sendJson(response, 500, { error: 'internal error' }));
    return;
  }
  sendJson(response, 404, { error: 'not found' });
});
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  process.stdout.write(`floor listening on http://${host}:${actualPort}\n`);
});
server.on('error', (error) => {
  process.stderr.write(`floor: cannot listen on ${host}:${port}: ${error.message}\n`);
  process.exit(1);
});

const stop = (): void => {
  server.close(() => {
    redis.disconnect();
    process.exit(0);
  });
  server.closeAllConnections();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
