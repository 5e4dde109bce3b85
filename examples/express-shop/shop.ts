// A shop's existing Express backend with Kefu mounted at /kefu: the shop keeps its own routes (and
// its own JSON body parser for them), Kefu serves the web chat page at /kefu/, its messages, events
// and webhooks below it. Run it with `npx tsx examples/express-shop/shop.ts` (REDIS_URL,
// REDIS_CLUSTER_NODES or REDIS_SENTINEL_NODES to share conversations with other processes), then open
// http://localhost:3000/kefu/.

import express, { type Express } from 'express';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../config/load-config.ts';
import { createLogger } from '../../adapters/logging/create-logger.ts';
import { mountKefu, type MountedKefu } from '../../mount-kefu.ts';

/** The shop's app. Kefu goes first: a body parser must not read its requests before it does. */
export function createShop(kefu: MountedKefu): Express {
  const app = express();
  app.use('/kefu', kefu.handler);
  // The shop's own API, with its own body parser, untouched by Kefu.
  app.use('/api', express.json());
  app.post('/api/wishlist', (req, res) => {
    res.json({ saved: Array.isArray(req.body?.items) ? req.body.items.length : 0 });
  });
  app.get('/', (_req, res) => {
    res.type('html').send('<p>Our shop. Questions? <a href="/kefu/">Chat with us</a>.</p>');
  });
  return app;
}

async function main(): Promise<void> {
  const { config } = loadConfig();
  const kefu = await mountKefu(config, createLogger({ level: config.logging.level }));
  const port = Number(process.env.PORT ?? 3000);
  const server = createShop(kefu).listen(port, () => console.log(`shop on http://localhost:${port}, Kefu at /kefu/`));
  const stop = (): void => {
    server.close();
    void kefu.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
