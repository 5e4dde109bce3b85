import { afterAll, beforeAll, expect, it } from 'vitest';
import { postMessage, startTestKefu } from '../support/start-kefu.ts';
import type { RunningServer } from '../../server.ts';

let server: RunningServer;
beforeAll(async () => { server = await startTestKefu(); });
afterAll(async () => { await server.close(); });

it('answers the seed question', async () => {
  const r = await postMessage(server.url, { conversationId: 'smoke-1', text: '身高170体重60穿什么码' });
  expect(r.status).toBe(200);
  expect(r.body.replies[0].text).toBe('根据尺寸,您适合M号哦');
});
