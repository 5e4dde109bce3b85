// Kefu mounted inside a shop's Express app (examples/express-shop/shop.ts), over real HTTP on
// loopback: the page, a message and the shop's own routes; a missing slash; a malformed and an
// oversized message reach Kefu's own checks; a body parser put before Kefu is reported, not hung on.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config/load-config.ts';
import { createLogger } from '../../adapters/logging/create-logger.ts';
import { mountKefu, type MountedKefu } from '../../mount-kefu.ts';
import { createShop } from '../../examples/express-shop/shop.ts';
import { LIFTED_RATE_LIMITS } from '../support/spawn-kefu.ts';

function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

describe('Kefu mounted in an Express app', () => {
  let kefu: MountedKefu;
  let shop: { server: Server; url: string };

  beforeAll(async () => {
    const { config } = loadConfig({ env: { LOG_LEVEL: 'silent', KEFU__FLOWS__WATCH: 'false', ...LIFTED_RATE_LIMITS } });
    kefu = await mountKefu(config, createLogger({ level: 'silent' }));
    shop = await listen(createShop(kefu));
  });
  afterAll(async () => {
    await new Promise((resolve) => shop?.server.close(resolve));
    await kefu?.close();
  });

  const post = (path: string, body: string) =>
    fetch(`${shop.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('serves the chat page under the mount path, with links relative to it', async () => {
    const page = await fetch(`${shop.url}/kefu/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("fetch('webchat/messages'");
    expect(html).not.toContain("fetch('/webchat/messages'");
  });

  it('sends /kefu to /kefu/ so the relative links land under the mount', async () => {
    const answer = await fetch(`${shop.url}/kefu?productId=hoodie-fleece`, { redirect: 'manual' });
    expect(answer.status).toBe(301);
    expect(answer.headers.get('location')).toBe('/kefu/?productId=hoodie-fleece');
  });

  it('answers a buyer through the mount, and the shop keeps its own routes and body parser', async () => {
    const conversationId = randomUUID();
    const first = await post('/kefu/webchat/messages', JSON.stringify({ conversationId, messageId: 'a', text: '帮我推荐一下尺码' }));
    expect(first.status).toBe(200);
    expect((await first.json()).replies[0].text).toContain('身高');
    const wishlist = await post('/api/wishlist', JSON.stringify({ items: [1, 2, 3] }));
    expect(await wishlist.json()).toEqual({ saved: 3 });
    expect((await fetch(`${shop.url}/`)).status).toBe(200);
  });

  it('leaves malformed and oversized messages to Kefu’s own checks', async () => {
    const malformed = await post('/kefu/webchat/messages', '{"conversationId": "x", "text": ');
    expect(malformed.status).toBe(400);
    const oversized = await post('/kefu/webchat/messages', JSON.stringify({ conversationId: randomUUID(), text: 'x'.repeat(2_000_000) }));
    expect(oversized.status).toBe(413);
    const unknownField = await post('/kefu/webchat/messages', JSON.stringify({ conversationId: randomUUID(), text: 'hi', isAdmin: true }));
    expect(unknownField.status).toBe(400);
  });

  it('reports a body parser put before Kefu instead of waiting for a body that was already read', async () => {
    const app = express();
    app.use(express.json());
    app.use('/kefu', kefu.handler);
    const wrong = await listen(app);
    try {
      const answer = await fetch(`${wrong.url}/kefu/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId: randomUUID(), text: 'hi' }),
      });
      expect(answer.status).toBe(500);
      expect((await answer.json()).error).toContain('before any body parser');
    } finally {
      await new Promise((resolve) => wrong.server.close(resolve));
    }
  });
});
