// The robot trainer through the dashboard's API on a real Kefu with a copy of the demo flows:
// what the bot did not understand shows up grouped; teaching a group writes the examples into the
// YAML (the rest of the file untouched), reloads, and the bot understands them from then on.
// Malformed requests and changes that would make the flows invalid are refused, changing nothing.

import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDiagramSvg } from '../../adapters/insight/flow-diagram.ts';
import type { RunningServer } from '../../server.ts';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';

const TOKEN = 'trainer-test-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
let server: RunningServer;
let flowsDir: string;

beforeAll(async () => {
  flowsDir = await mkdtemp(path.join(os.tmpdir(), 'kefu-trainer-flows-'));
  await cp(new URL('../../flows', import.meta.url), flowsDir, { recursive: true });
  server = await startTestKefu({ flowsDir, env: { KEFU__ADMIN__TOKEN: TOKEN } });
});

afterAll(async () => {
  await server?.close();
  await rm(flowsDir, { recursive: true, force: true });
});

async function api(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...AUTH, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function notUnderstood(texts: string[]): Promise<void> {
  for (const [i, text] of texts.entries()) {
    // One conversation per message, so the two-misses hand-off does not interfere.
    await postMessage(server.url, { conversationId: `miss-${Date.now()}-${i}`, text });
  }
  await server.kefu.insight.recorder.flush();
}

async function clusterWith(text: string): Promise<{ id: string; examples: string[] }> {
  const { status, body } = await api('GET', '/admin/api/trainer/clusters');
  expect(status).toBe(200);
  const found = body.clusters.find((c: { examples: string[] }) => c.examples.includes(text));
  expect(found, `a cluster holding ${text}: ${JSON.stringify(body.clusters)}`).toBeTruthy();
  return found;
}

async function folderDigest(): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else hash.update(entry.name).update(await readFile(full));
    }
  };
  await walk(flowsDir);
  return hash.digest('hex');
}

describe('robot trainer', () => {
  it('teaches a group to an existing intent: only the new lines are added, and the bot understands them', async () => {
    const file = path.join(flowsDir, 'intents/presale.yaml');
    const before = await readFile(file, 'utf8');
    // Phrasings the shipped base does not cover either (base/intents/*.yaml).
    expect(server.kefu.flows().recogniser.recognise('放丰巢柜就行').intent).not.toBe('ask_shipping');
    await notUnderstood(['放丰巢柜就行', '放丰巢就行', '丰巢柜就行']);
    const cluster = await clusterWith('放丰巢柜就行');
    // (Which of the three group together depends on everything kept, as IDF weights do.)
    expect(cluster.examples).toEqual(expect.arrayContaining(['放丰巢柜就行', '放丰巢就行']));

    const taught = await api('POST', '/admin/api/trainer/teach', { clusterId: cluster.id, intent: 'ask_shipping' });
    expect(taught.status, JSON.stringify(taught.body)).toBe(200);
    expect(taught.body.added.zh.sort()).toEqual([...cluster.examples].sort());
    const after = await readFile(file, 'utf8');
    // The intent's zh list gained one item per example and nothing else in the file changed.
    const added = after.split('\n').filter((line) => !before.split('\n').includes(line));
    expect(added.map((line) => line.trim()).sort()).toEqual(cluster.examples.map((e: string) => `- ${e}`).sort());
    expect(after.split('\n').filter((line) => !added.includes(line)).join('\n')).toBe(before);
    expect(server.kefu.flows().recogniser.recognise('放丰巢柜就行').intent).toBe('ask_shipping');
    // Taught messages leave the trainer's list.
    const { body } = await api('GET', '/admin/api/trainer/clusters');
    expect(body.clusters.some((c: { examples: string[] }) => c.examples.includes('放丰巢柜就行'))).toBe(false);
  });

  it('shows Chinese paraphrases of one new question as one group', async () => {
    await notUnderstood(['你们有实体店吗', '实体店在哪里', '有没有实体店可以去试穿']);
    const cluster = await clusterWith('实体店在哪里');
    expect([...cluster.examples].sort()).toEqual(['你们有实体店吗', '实体店在哪里', '有没有实体店可以去试穿'].sort());
  });

  it('creates a new intent with a hand-off flow in the trainer’s own file', async () => {
    await notUnderstood(['火星有分店吗', '火星上有分店吗', 'do you have a store on mars']);
    const cluster = await clusterWith('火星有分店吗');
    const taught = await api('POST', '/admin/api/trainer/teach', {
      clusterId: cluster.id,
      newIntent: { name: 'ask_mars_store', label: { 'zh-Hans': '火星门店', 'zh-Hant': '火星門店', en: 'Store on Mars' } },
      examples: ['火星有分店吗', '火星上有分店吗'],
    });
    expect(taught.status, JSON.stringify(taught.body)).toBe(200);
    expect(taught.body.stillMissed).toEqual([]);
    expect(taught.body.file).toMatch(/trained\.yaml$/);
    const written = await readFile(path.join(flowsDir, 'trained.yaml'), 'utf8');
    expect(written).toMatch(/^# yaml-language-server/);
    expect(written).toContain('ask_mars_store:');
    expect(server.kefu.flows().recogniser.recognise('火星有分店吗').intent).toBe('ask_mars_store');
    const reply = await postMessage(server.url, { conversationId: `mars-${Date.now()}`, text: '火星有分店吗' });
    expect(reply.body.replies[0].text).toMatch(/人工/);
  });

  it('keeps the merchant’s comments in the trainer’s own file when it adds the next intent', async () => {
    const file = path.join(flowsDir, 'trained.yaml');
    const edited = (await readFile(file, 'utf8')).replace('ask_mars_store:', '# merchant: reply with the Mars opening date later\n  ask_mars_store:');
    await writeFile(file, edited, 'utf8');
    await server.kefu.reloadFlows();
    await notUnderstood(['quux frobnicate', 'quux frobnicated']);
    const cluster = await clusterWith('quux frobnicate');
    const taught = await api('POST', '/admin/api/trainer/teach', {
      clusterId: cluster.id,
      newIntent: { name: 'ask_venus_shipping', label: { 'zh-Hans': '金星发货', 'zh-Hant': '金星發貨', en: 'Shipping to Venus' } },
    });
    expect(taught.status, JSON.stringify(taught.body)).toBe(200);
    const after = await readFile(file, 'utf8');
    expect(after).toContain('# merchant: reply with the Mars opening date later\n  ask_mars_store:');
    expect(after).toMatch(/^# yaml-language-server/);
    expect(after).toContain('ask_venus_shipping:');
  });

  it('refuses a change that would make the flows invalid, with file:line:col, and writes nothing', async () => {
    await notUnderstood(['土星环有多宽', '土星环多宽']);
    const cluster = await clusterWith('土星环有多宽');
    const digest = await folderDigest();
    const taken = await api('POST', '/admin/api/trainer/teach', {
      clusterId: cluster.id,
      newIntent: { name: 'ask_size', label: { 'zh-Hans': '尺码', 'zh-Hant': '尺碼', en: 'Size' } },
    });
    expect(taken.status).toBe(422);
    expect(taken.body.problems.join('\n')).toMatch(/trained\.yaml:\d+:\d+ intent "ask_size" is already defined at .*presale\.yaml:\d+:\d+/);
    const flowName = await api('POST', '/admin/api/trainer/teach', {
      clusterId: cluster.id,
      newIntent: { name: 'size_advice', label: { 'zh-Hans': '尺码', 'zh-Hant': '尺碼', en: 'Size' } },
    });
    expect(flowName.status).toBe(422);
    expect(flowName.body.problems.join('\n')).toMatch(/flow "size_advice" is already defined/);
    expect(await folderDigest()).toBe(digest);
    expect((await clusterWith('土星环有多宽')).id).toBe(cluster.id); // still there to teach
  });

  it('answers malformed, hostile and unlucky requests with a clear error', async () => {
    await notUnderstood(['zxqv blorp']);
    const cluster = await clusterWith('zxqv blorp');
    const digest = await folderDigest();
    const label = { 'zh-Hans': 'x', 'zh-Hant': 'x', en: 'x' };
    const cases: [unknown, number, RegExp][] = [
      ['{"clusterId": ', 400, /malformed JSON/],
      [[], 400, /must be object/],
      [{}, 400, /clusterId/],
      [{ clusterId: cluster.id }, 400, /either "intent" or "newIntent"/],
      [{ clusterId: cluster.id, intent: 'ask_size', newIntent: { name: 'x_y', label } }, 400, /either/],
      [{ clusterId: cluster.id, intent: 'Ask Size!' }, 400, /pattern/],
      [{ clusterId: cluster.id, intent: '__proto__' }, 400, /pattern/],
      [{ clusterId: cluster.id, intent: 'ask_size', extra: 1 }, 400, /not allowed/],
      [{ clusterId: cluster.id, newIntent: { name: 'neptune', label: { en: 'Neptune' } } }, 400, /zh-Hans/],
      [{ clusterId: cluster.id, intent: 'ask_size', examples: [] }, 400, /fewer than 1/],
      [{ clusterId: cluster.id, intent: 'ask_size', examples: ['not in this cluster'] }, 400, /not examples of this cluster/],
      [{ clusterId: cluster.id, intent: 'ask_size', examples: ['x'.repeat(201)] }, 400, /more than 200/],
      [{ clusterId: 'ffffffffffff', intent: 'ask_size' }, 404, /no such cluster/],
      [{ clusterId: '../../etc/pa', intent: 'ask_size' }, 400, /pattern/],
      [{ clusterId: cluster.id, intent: 'no_such_intent' }, 404, /no intent "no_such_intent"/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await api('POST', '/admin/api/trainer/teach', body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.body.error, JSON.stringify(body)).toMatch(message);
    }
    const huge = await api('POST', '/admin/api/trainer/teach', JSON.stringify({ clusterId: cluster.id, intent: 'ask_size', examples: ['x'.repeat(100_000)] }));
    expect(huge.status).toBe(413);
    const wrongType = await fetch(`${server.url}/admin/api/trainer/teach`, { method: 'POST', headers: { ...AUTH, 'content-type': 'text/plain' }, body: 'hi' });
    expect(wrongType.status).toBe(415);
    expect(await folderDigest()).toBe(digest);
  });

  it('serves each flow as an SVG diagram, escaping what the merchant wrote', async () => {
    const list = await api('GET', '/admin/api/flows');
    expect(list.body.flows).toEqual(expect.arrayContaining(['size_advice', 'ask_mars_store']));
    const svg = await fetch(`${server.url}/admin/api/flows/size_advice.svg`, { headers: AUTH });
    expect(svg.headers.get('content-type')).toMatch(/image\/svg\+xml/);
    const text = await svg.text();
    expect(text).toMatch(/^<svg /);
    expect(text).toContain('when: ask_size');
    expect(text).toContain('if size = null');
    // What the merchant wrote arrives escaped, never as markup.
    const hostile = flowDiagramSvg('x"><script>', { trigger: 'a', steps: [{ say: '<img onerror=alert(1)>' }, { if: 'a < b & c', then: ['end'] }] });
    expect(hostile).not.toMatch(/<script|<img/);
    expect(hostile).toContain('&lt;img onerror=alert(1)&gt;');
    expect(hostile).toContain('if a &lt; b &amp; c');
    for (const bad of ['nope.svg', '..%2F..%2Fpackage.json', 'size_advice', 'size_advice.svg%00']) {
      expect((await fetch(`${server.url}/admin/api/flows/${bad}`, { headers: AUTH })).status, bad).toBe(404);
    }
  });
});
