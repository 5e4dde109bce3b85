// The common part of the loopback fakes of Lazada, TikTok Shop and Shopee: an HTTP server on a free
// port that records every request (path, query, headers, raw body) and answers from a script a test
// sets (e.g. "500, then 429 with Retry-After, then the documented success"). Each fake adds the
// platform's own paths and signature check on top (fake-lazada.ts, fake-tiktok.ts, fake-shopee.ts).

import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface ScriptedAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Route = (request: RecordedRequest) => ScriptedAnswer;

export interface FakeServer {
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Answers to give, first in first out, before the routes answer normally. */
  script: ScriptedAnswer[];
  /** While set, every request waits for this promise before it is answered (a slow platform). */
  hold: Promise<void> | null;
  close(): Promise<void>;
}

export async function startFakeServer(route: Route): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const script: ScriptedAnswer[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const url = new URL(incoming.url ?? '/', 'http://fake');
      const request: RecordedRequest = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      await fake.hold;
      const answer = script.shift() ?? route(request);
      outgoing.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      outgoing.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  const fake: FakeServer = {
    url: '',
    requests,
    script,
    hold: null,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return fake;
}

/** Polls `check` until it returns a value (not undefined), or fails after a generous limit. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, limitMs = 15_000): Promise<T> {
  const giveUpAt = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Lets the server and its worker run for a while, for checks that something did NOT happen. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
