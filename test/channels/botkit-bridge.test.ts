// The optional Botkit bridge end to end: a real Kefu, Botkit v4 with its web adapter in front of it
// (on its own port, as Botkit runs), buyers talking to it over the adapter's webhook and WebSocket.
// The bridge is a separate install (adapters/channels/botkit-bridge, `npm ci --ignore-scripts`):
// where it is absent these tests are skipped and say so; CI installs it and sets
// KEFU_BOTKIT_BRIDGE=required, so there a missing bridge is a failure, not a skip.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../dialogs/ports.ts';
import type { RunningServer } from '../../server.ts';
import { eventually } from '../support/fake-marketplace.ts';
import { startTestKefu } from '../support/start-kefu.ts';
import { usePrivateRedis } from '../support/redis-fixtures.ts';
import type { BotkitBridge } from '../../adapters/channels/botkit-bridge/botkit-bridge.ts';

const bridgeFolder = fileURLToPath(new URL('../../adapters/channels/botkit-bridge/', import.meta.url));
const installed = existsSync(`${bridgeFolder}node_modules/botkit/package.json`);
const required = process.env.KEFU_BOTKIT_BRIDGE === 'required';

describe('the Botkit bridge install', () => {
  it.runIf(required)('is there when CI requires it', () => {
    expect(installed, 'run `npm ci --ignore-scripts` in adapters/channels/botkit-bridge').toBe(true);
  });
});

describe.skipIf(!installed)('the Botkit bridge (Botkit v4 web adapter in front of Kefu)', () => {
  let server: RunningServer;
  let bridge: BotkitBridge;
  // Loaded at run time: where the bridge is not installed, nothing here is imported.
  let WebSocketClient: typeof import('ws').default;

  beforeAll(async () => {
    const bridgeModule = `${bridgeFolder}botkit-bridge.ts`;
    const { startBotkitBridge } = (await import(bridgeModule)) as typeof import('../../adapters/channels/botkit-bridge/botkit-bridge.ts');
    const { WebAdapter } = (await import(`${bridgeFolder}node_modules/botbuilder-adapter-web/lib/index.js`)) as typeof import('../../adapters/channels/botkit-bridge/node_modules/botbuilder-adapter-web/lib/index.js');
    WebSocketClient = ((await import(`${bridgeFolder}node_modules/ws/index.js`)) as { default: typeof import('ws').default }).default;
    server = await startTestKefu();
    bridge = await startBotkitBridge({ adapter: new WebAdapter({ noServer: true }), conversations: server.kefu.conversations, channel: 'botkit-web', host: '127.0.0.1', port: 0, logger: silentLogger });
    server.kefu.outbound.set('botkit-web', bridge.outbound);
  });

  afterAll(async () => {
    await bridge?.close();
    await server?.close();
  });

  async function post(body: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${bridge.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      return { status: response.status, body: text };
    }
  }

  it('answers a webhook message through the core, in the HTTP answer', async () => {
    const answer = await post(JSON.stringify({ type: 'message', user: `u-${Date.now()}`, text: '身高170体重60穿什么码' }));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([expect.objectContaining({ type: 'message', text: '根据尺寸,您适合M号哦' })]);
  });

  it('shows buttons as Botkit quick replies, and takes a pressed one back as its payload', async () => {
    const user = `u-${Date.now()}-b`;
    const greeting = await post(JSON.stringify({ type: 'message', user, text: '你好' }));
    expect(greeting.body[0].quick_replies).toEqual([
      { title: '帮我选尺码', payload: '/ask_size' },
      { title: '转人工客服', payload: '/human_agent' },
    ]);
    const asked = await post(JSON.stringify({ type: 'message', user, text: '/ask_size' }));
    expect(asked.body[0].text).toMatch(/身高/);
  });

  it('talks over the adapter\'s WebSocket, and carries an agent\'s later answer to the open socket', async () => {
    const user = `u-${Date.now()}-ws`;
    const socket = new WebSocketClient(bridge.url.replace('http', 'ws'));
    const received: { text: string }[] = [];
    socket.on('message', (data: Buffer) => received.push(JSON.parse(data.toString('utf8')) as { text: string }));
    await new Promise<void>((resolve, reject) => socket.once('open', () => resolve()).once('error', reject));
    socket.send(JSON.stringify({ type: 'message', user, channel: 'websocket', text: 'I am 170 cm and 60 kg, what size?' }));
    const answer = await eventually(() => received[0], 'the WebSocket answer');
    expect(answer.text).toMatch(/\bM\b/);
    await server.kefu.conversations.sendToBuyer({ channel: 'botkit-web', conversationId: user, buyerId: user }, [{ text: 'An agent here: it ships today.' }], 'agent', Date.now());
    expect((await eventually(() => received[1], 'the agent\'s answer')).text).toBe('An agent here: it ships today.');
    socket.close();
  });

  it('refuses a malformed webhook body, and keeps serving', async () => {
    expect((await post('{"type":"message",')).status).toBe(400);
    const answer = await post(JSON.stringify({ type: 'message', user: `u-${Date.now()}-c`, text: '身高170体重60穿什么码' }));
    expect(answer.body[0].text).toBe('根据尺寸,您适合M号哦');
  });
});

describe.skipIf(!installed)('the Botkit bridge when Redis is briefly away', () => {
  const redis = usePrivateRedis();
  let server: RunningServer;
  let bridge: BotkitBridge;

  beforeAll(async () => {
    const { startBotkitBridge } = (await import(`${bridgeFolder}botkit-bridge.ts`)) as typeof import('../../adapters/channels/botkit-bridge/botkit-bridge.ts');
    const { WebAdapter } = (await import(`${bridgeFolder}node_modules/botbuilder-adapter-web/lib/index.js`)) as typeof import('../../adapters/channels/botkit-bridge/node_modules/botbuilder-adapter-web/lib/index.js');
    server = await startTestKefu({ redisUrl: redis.server.url });
    bridge = await startBotkitBridge({ adapter: new WebAdapter({ noServer: true }), conversations: server.kefu.conversations, channel: 'botkit-web', host: '127.0.0.1', port: 0, logger: silentLogger });
  });

  afterAll(async () => {
    await bridge?.close();
    await server?.close();
  });

  it('answers the webhook 503 so the caller retries, and answers the retry once Redis is back', async () => {
    const body = JSON.stringify({ type: 'message', user: `u-${Date.now()}-r`, text: '身高170体重60穿什么码' });
    const send = () => fetch(`${bridge.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await redis.server.stop();
    expect((await send()).status).toBe(503);
    await redis.server.start();
    const answered = await eventually(async () => {
      const response = await send();
      return response.status === 200 ? ((await response.json()) as { text: string }[]) : undefined;
    }, 'an answer once Redis is back');
    expect(answered[0]!.text).toBe('根据尺寸,您适合M号哦');
  });
});
