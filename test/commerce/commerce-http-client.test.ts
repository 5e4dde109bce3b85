// The shared merchant-API client against a real HTTP server on loopback: retries on 5xx, 429 (with
// Retry-After) and timeouts, bearer token, 404 as null, and CommerceUnavailableError when it gives up.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CommerceHttpClient, parseRetryAfter } from '../../adapters/commerce/http/commerce-http-client.ts';
import { CommerceUnavailableError } from '../../dialogs/commerce/commerce-unavailable.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

let server: Server | undefined;
afterEach(async () => {
  const open = server;
  server = undefined;
  if (!open) return;
  open.closeAllConnections();
  await new Promise((resolve) => open.close(resolve));
});

async function serve(handler: Handler): Promise<{ url: string; hits: () => number; auth: () => string[] }> {
  let hits = 0;
  const auth: string[] = [];
  server = createServer((req, res) => {
    hits += 1;
    auth.push(req.headers.authorization ?? '');
    handler(req, res, hits);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, hits: () => hits, auth: () => auth };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const waits: number[] = [];
const client = (url: string, extra: Partial<ConstructorParameters<typeof CommerceHttpClient>[0]> = {}) =>
  new CommerceHttpClient({ baseUrl: url, token: 'secret-token', timeoutMs: 2000, retries: 2, sleep: async (ms) => void waits.push(ms), ...extra });

describe('CommerceHttpClient', () => {
  it('sends the bearer token and reads JSON', async () => {
    const api = await serve((_req, res) => json(res, 200, { ok: true }));
    expect(await client(api.url).getJson('/products/x')).toEqual({ ok: true });
    expect(api.auth()).toEqual(['Bearer secret-token']);
  });

  it('answers null for 404 without retrying', async () => {
    const api = await serve((_req, res) => json(res, 404, { error: 'not found' }));
    expect(await client(api.url).getJson('/products/none')).toBeNull();
    expect(api.hits()).toBe(1);
  });

  it('retries a 503 and succeeds', async () => {
    const api = await serve((_req, res, hit) => (hit < 3 ? json(res, 503, {}) : json(res, 200, { n: hit })));
    expect(await client(api.url).getJson('/x')).toEqual({ n: 3 });
    expect(api.hits()).toBe(3);
  });

  it('honours Retry-After on 429', async () => {
    waits.length = 0;
    const api = await serve((_req, res, hit) => (hit === 1 ? json(res, 429, {}, { 'retry-after': '2' }) : json(res, 200, {})));
    await client(api.url).getJson('/x');
    expect(waits).toEqual([2000]);
  });

  it('caps a huge Retry-After', async () => {
    waits.length = 0;
    const api = await serve((_req, res, hit) => (hit === 1 ? json(res, 429, {}, { 'retry-after': '86400' }) : json(res, 200, {})));
    await client(api.url, { maxBackoffMs: 3000 }).getJson('/x');
    expect(waits).toEqual([3000]);
  });

  it('gives up after the retries with CommerceUnavailableError', async () => {
    const api = await serve((_req, res) => json(res, 500, {}));
    await expect(client(api.url).getJson('/x')).rejects.toBeInstanceOf(CommerceUnavailableError);
    expect(api.hits()).toBe(3);
  });

  it('does not retry a 401 (a configuration problem) but still throws the graceful error', async () => {
    const api = await serve((_req, res) => json(res, 401, {}));
    await expect(client(api.url).getJson('/x')).rejects.toThrow(/HTTP 401/);
    expect(api.hits()).toBe(1);
  });

  it('times out a server that never answers', async () => {
    const api = await serve(() => {
      /* hang */
    });
    await expect(client(api.url, { timeoutMs: 100, retries: 1 }).getJson('/x')).rejects.toThrow(/timed out/);
    expect(api.hits()).toBe(2);
  });

  it('turns a refused connection into CommerceUnavailableError', async () => {
    const api = await serve((_req, res) => json(res, 200, {}));
    server!.close();
    server = undefined;
    await expect(client(api.url, { retries: 1 }).getJson('/x')).rejects.toBeInstanceOf(CommerceUnavailableError);
  });

  it('refuses bodies that are not JSON or too large', async () => {
    const api = await serve((req, res) => {
      if (req.url?.endsWith('/html')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>maintenance</html>');
      } else json(res, 200, { big: 'x'.repeat(5000) });
    });
    await expect(client(api.url).getJson('/html')).rejects.toThrow(/not JSON/);
    await expect(client(api.url, { maxBodyBytes: 1000 }).getJson('/big')).rejects.toThrow(/too large/);
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});
