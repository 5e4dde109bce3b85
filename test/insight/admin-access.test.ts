// Nothing of /admin, its APIs or /metrics opens without the admin token: not without it, not with
// a wrong, partial or forged one; with no token configured the dashboard is off and says so.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import type { RunningServer } from '../../server.ts';
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
      expect(answer.status, `${method} ${url}`).toBe(401);
      expect(answer.text, url).not.toMatch(/ask_size|kefu_turns_total|"series"|uPlot/);
    }
  });

  it('shows only a sign-in form at /admin without access', async () => {
    const answer = await request(server.url, 'GET', '/admin');
    expect(answer.status).toBe(401);
    expect(answer.text).toContain('<form method="post" action="/admin/login">');
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
    expect(wrongLogin.status).toBe(401);
    expect(wrongLogin.headers.get('set-cookie')).toBeNull();
    const login = await fetch(`${server.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(TOKEN)}`, redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/admin');
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/admin/);
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
  beforeAll(async () => {
    server = await startTestKefu({ env: { KEFU__ADMIN__TOKEN: TOKEN } });
  });
  afterAll(() => server?.close());

  it('slows a guesser down: after ten wrong tokens in a minute even the right one waits', async () => {
    const login = (token: string) => fetch(`${server.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    for (let i = 0; i < 10; i++) expect((await login(`guess-${i}`)).status).toBe(401);
    expect((await login('guess-11')).status).toBe(429);
    expect((await login(TOKEN)).status).toBe(429);
  });
});

describe('configuration', () => {
  it('refuses a token too short to be a secret', () => {
    expect(() => loadConfig({ env: { KEFU__ADMIN__TOKEN: 'short' } })).toThrow(ConfigError);
    expect(loadConfig({ env: { KEFU__ADMIN__TOKEN: TOKEN } }).config.admin.token).toBe(TOKEN);
  });
});
