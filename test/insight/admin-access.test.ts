// Nothing of /admin, its APIs or /metrics opens without the admin token: not without it, not with
// a wrong, partial or forged one; with no token configured the dashboard is off and says so.
// Every wrong token counts and is logged (address and route, never the token); a guessing address
// gets 429 for wrong tokens while the right one keeps working; unknown asset names are 404.

import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../adapters/logging/create-logger.ts';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import { startServer, type RunningServer } from '../../server.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const TOKEN = 'access-test-admin-token-0123456789';
const PROTECTED = [
  ['GET', '/admin'],
  ['GET', '/admin/'],
  ['GET', '/admin/assets/uplot.js'],
  ['GET', '/admin/assets/admin.js'],
  ['GET', '/admin/api/overview'],
  ['GET', '/admin/api/stream'],
  ['GET', '/admin/api/trainer/clusters'],
  ['POST', '/admin/api/trainer/teach'],
  ['GET', '/admin/api/flows'],
  ['GET', '/admin/api/flows/size_advice.svg'],
  ['GET', '/admin/anything/else'],
  ['GET', '/metrics'],
] as const;

async function request(base: string, method: string, url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const controller = new AbortController();
  const response = await fetch(`${base}${url}`, {
    method,
    headers: { ...headers, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(method === 'POST' ? { body: JSON.stringify({ clusterId: '000000000000', intent: 'ask_size' }) } : {}),
    signal: controller.signal,
  });
  // A granted stream would never end: read what came first, then hang up.
  const text = response.headers.get('content-type')?.startsWith('text/event-stream') ? '(stream)' : await response.text();
  controller.abort();
  return { status: response.status, text, headers: response.headers };
}

describe('with no admin token configured', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestKefu();
  });
  afterAll(() => server?.close());

  it('turns /admin and /metrics off and says how to turn them on', async () => {
    for (const [method, url] of [...PROTECTED, ['POST', '/admin/login']] as const) {
      const answer = await request(server.url, method, url, { authorization: 'Bearer anything-at-all-here' });
      expect(answer.status, url).toBe(404);
      expect(answer.text, url).toMatch(/dashboard is off: set admin\.token/);
    }
  });
});

describe('with an admin token', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestKefu({ env: { KEFU__ADMIN__TOKEN: TOKEN } });
    await postMessage(server.url, { conversationId: 'access-1', text: '我穿多大码' });
    await server.kefu.insight.recorder.flush();
  });
  afterAll(() => server?.close());

  const wrong: [string, Record<string, string>][] = [
    ['no credentials', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token-wrong-token-wrong' }],
    ['the token with one character more', { authorization: `Bearer ${TOKEN}x` }],
    ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['the token in another scheme', { authorization: `Basic ${TOKEN}` }],
    ['the token without a scheme', { authorization: TOKEN }],
    ['the raw token as the cookie', { cookie: `kefu_admin=${TOKEN}` }],
    ['a forged cookie', { cookie: 'kefu_admin=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
    ['an oversized header', { authorization: `Bearer ${'x'.repeat(4000)}` }],
  ];

  it.each(wrong)('refuses every route with %s, and shows no numbers', async (_name, headers) => {
    for (const [method, url] of PROTECTED) {
      const answer = await request(server.url, method, url, headers);
      // 429 once this address has shown more than ten wrong tokens in the minute (see below).
      expect([401, 429], `${method} ${url}`).toContain(answer.status);
      expect(answer.text, url).not.toMatch(/ask_size|kefu_turns_total|"series"|uPlot/);
    }
  });

  it('shows only a sign-in form at /admin without access', async () => {
    const answer = await request(server.url, 'GET', '/admin');
    expect(answer.status).toBe(401);
    expect(answer.text).toContain('<form method="post" action="admin/login">');
    expect(answer.text).not.toContain('<script');
  });

  it('opens everything with the token as a Bearer header, /metrics included', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await request(server.url, 'GET', '/admin/api/overview', auth)).status).toBe(200);
    const metrics = await request(server.url, 'GET', '/metrics', auth);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/kefu_turns_total\{intent="ask_size",outcome="asked",language="zh-Hans",channel="webchat"\} 1/);
    const page = await request(server.url, 'GET', '/admin', auth);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
  });

  it('signs a browser in with the form: a strict, HttpOnly cookie scoped to /admin that opens the dashboard but not /metrics', async () => {
    const wrongLogin = await fetch(`${server.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=nope', redirect: 'manual' });
    expect([401, 429]).toContain(wrongLogin.status); // 429: the tests above used up this address's wrong tokens
    expect(await wrongLogin.text()).toContain('That token is not right.');
    expect(wrongLogin.headers.get('set-cookie')).toBeNull();
    const login = await fetch(`${server.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(TOKEN)}`, redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('../admin');
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    // No Path: the cookie stays with the folder the login was posted to (/admin here).
    expect(setCookie).not.toMatch(/Path=/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;
    expect((await request(server.url, 'GET', '/admin/api/flows', { cookie })).status).toBe(200);
    expect((await request(server.url, 'GET', '/metrics', { cookie })).status).toBe(401);
  });

  it('answers malformed sign-ins with 400 and 415', async () => {
    for (const [type, body, status] of [
      ['application/json', '{"token": 5}', 400],
      ['application/json', '{"token": "x", "admin": true}', 400],
      ['application/json', '{', 400],
      ['text/plain', TOKEN, 415],
    ] as const) {
      const answer = await fetch(`${server.url}/admin/login`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(answer.status, body).toBe(status);
    }
  });
});

describe('guessing the token', () => {
  let server: RunningServer;
  const lines: Record<string, any>[] = [];
  beforeAll(async () => {
    const { config, secretPaths } = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', KEFU__FLOWS__WATCH: 'false', KEFU__ADMIN__TOKEN: TOKEN } });
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    server = await startServer(config, createLogger({ level: 'warn', secretPaths, destination }));
  });
  afterAll(() => server?.close());

  const login = (token: string, form = false) =>
    fetch(`${server.url}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? `token=${encodeURIComponent(token)}` : JSON.stringify({ token }),
    });
  const refusals = () => lines.filter((line) => line.msg === 'wrong admin token');

  it('counts a wrong token on every route, Bearer and cookie alike; after ten in a minute wrong ones get 429 with Retry-After', async () => {
    const tries: [string, string, Record<string, string>][] = [
      ['GET', '/metrics', { authorization: 'Bearer guess-0000000000000000' }],
      ['GET', '/admin/api/overview', { authorization: 'Bearer guess-1111111111111111' }],
      ['GET', '/admin/api/overview', { cookie: 'kefu_admin=forged-cookie-value' }],
      ['GET', '/admin', { cookie: 'kefu_admin=another-forged-cookie' }],
      ['GET', '/admin/assets/admin.js', { authorization: 'Bearer guess-2222222222222222' }],
      ['POST', '/admin/api/trainer/teach', { authorization: 'Bearer guess-3333333333333333' }],
      ['GET', '/admin/api/flows/size_advice.svg', { authorization: 'Bearer guess-4444444444444444' }],
      ['GET', '/admin/nowhere', { authorization: 'Bearer guess-5555555555555555' }],
    ];
    for (const [method, url, headers] of tries) expect((await request(server.url, method, url, headers)).status, url).toBe(401);
    expect((await login('guess-login-666666')).status).toBe(401);
    expect((await login('guess-login-777777', true)).status).toBe(401);
    // The eleventh wrong token in the minute, on any route.
    for (const [method, url, headers] of [...tries, ['POST', '/admin/login', {}] as const]) {
      const answer = method === 'POST' && url === '/admin/login' ? await login('guess-login-888888') : await fetch(`${server.url}${url}`, { method, headers });
      expect(answer.status, url).toBe(429);
      const wait = Number(answer.headers.get('retry-after'));
      expect(wait, url).toBeGreaterThanOrEqual(1);
      expect(wait, url).toBeLessThanOrEqual(60);
      await answer.body?.cancel();
    }
    expect(refusals().length).toBe(2 * tries.length + 3);
  });

  it('never locks out the right token: it works from the throttled address, by header, form and cookie', async () => {
    const bearer = { authorization: `Bearer ${TOKEN}` };
    expect((await request(server.url, 'GET', '/metrics', bearer)).status).toBe(200);
    expect((await request(server.url, 'GET', '/admin/api/overview', bearer)).status).toBe(200);
    const signIn = await login(TOKEN, true);
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    expect((await request(server.url, 'GET', '/admin/api/flows', { cookie })).status).toBe(200);
    expect((await login(TOKEN)).status).toBe(204);
    // And wrong ones are still refused meanwhile.
    expect((await request(server.url, 'GET', '/metrics', { authorization: 'Bearer guess-9999999999999999' })).status).toBe(429);
  });

  it('logs each wrong token with the address and the route, never the token', async () => {
    const logged = refusals();
    expect(logged.length).toBeGreaterThan(10);
    for (const line of logged) {
      expect(line.level).toBe(40);
      expect(line.address).toBe('127.0.0.1');
      expect(line.route).toMatch(/^(GET|POST) \/(admin|metrics)/);
      expect(['bearer', 'cookie', 'sign-in']).toContain(line.credential);
    }
    expect(logged.map((line) => line.route)).toEqual(expect.arrayContaining(['GET /metrics', 'GET /admin/api/overview', 'POST /admin/login', 'GET /admin/nowhere']));
    const text = JSON.stringify(lines);
    for (const secret of ['guess-0000000000000000', 'forged-cookie-value', 'guess-login-666666', TOKEN]) expect(text).not.toContain(secret);
  });

  it('does not count a request that shows no token (the sign-in page, a bare Prometheus probe)', async () => {
    const before = refusals().length;
    expect((await request(server.url, 'GET', '/admin')).status).toBe(401);
    expect((await request(server.url, 'GET', '/metrics')).status).toBe(401);
    expect(refusals().length).toBe(before);
  });
});

describe('asset names', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestKefu({ env: { KEFU__ADMIN__TOKEN: TOKEN } });
  });
  afterAll(() => server?.close());

  it('answers 404 for names that are not assets, however they are spelled', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype', '%5F%5Fproto%5F%5F', 'admin.js%00', '..%2Fadmin.html', 'nope.js']) {
      const answer = await request(server.url, 'GET', `/admin/assets/${name}`, auth);
      expect(answer.status, name).toBe(404);
      expect(JSON.parse(answer.text), name).toEqual({ error: 'not found' });
    }
    expect((await request(server.url, 'GET', '/admin/assets/uplot.css', auth)).status).toBe(200);
  });
});

describe('configuration', () => {
  it('refuses a token too short to be a secret', () => {
    expect(() => loadConfig({ env: { KEFU__ADMIN__TOKEN: 'short' } })).toThrow(ConfigError);
    expect(loadConfig({ env: { KEFU__ADMIN__TOKEN: TOKEN } }).config.admin.token).toBe(TOKEN);
  });
});
