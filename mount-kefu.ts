// Kefu inside a shop's existing Node server (Express, Koa's or plain node:http's handler): the web
// chat and its page, the marketplace webhooks, /desk and /admin under a path of the shop's choosing,
// served by Kefu's own routes and checks (the same fastify instance startServer listens with) but
// without a port of their own. Example: examples/express-shop/shop.ts; docs/deploy.md.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './dialogs/ports.ts';
import type { KefuConfig } from './config/config-types.ts';
import { buildServer, type Kefu } from './server.ts';

export interface MountedKefu {
  kefu: Kefu;
  /** Give it every request under the mount path: `app.use('/kefu', mounted.handler)`. */
  handler(req: IncomingMessage, res: ServerResponse): void;
  /** Stops Kefu (flow watcher, Redis clients, desks); the shop's server is the shop's to close. */
  close(): Promise<void>;
}

export async function mountKefu(config: KefuConfig, logger: Logger): Promise<MountedKefu> {
  const { kefu, http } = await buildServer(config, logger);
  await http.ready();
  return {
    kefu,
    handler(req, res) {
      // Express strips the mount path from req.url and keeps it in originalUrl. The page's links are
      // relative, so "/kefu" must become "/kefu/" or they would point at the shop's root.
      const original = (req as IncomingMessage & { originalUrl?: string }).originalUrl;
      if (original !== undefined && (req.url === '/' || req.url?.startsWith('/?'))) {
        const [path, query] = splitQuery(original);
        if (!path.endsWith('/')) {
          res.writeHead(301, { location: `${path}/${query}` }).end();
          return;
        }
      }
      // A body parser that ran first has read the request: Kefu could not read or verify it (the
      // webhooks' signatures are over the raw bytes), so say how to mount it rather than hang.
      if ((req as IncomingMessage & { body?: unknown }).body !== undefined || req.readableEnded) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'Kefu must be mounted before any body parser (app.use(path, kefu.handler) first)' }));
        logger.error({ url: original ?? req.url }, 'Kefu mounted after a body parser: the request body was already read');
        return;
      }
      http.routing(req, res);
    },
    async close() {
      await http.close();
      await kefu.close();
    },
  };
}

function splitQuery(url: string): [string, string] {
  const at = url.indexOf('?');
  return at === -1 ? [url, ''] : [url.slice(0, at), url.slice(at)];
}
