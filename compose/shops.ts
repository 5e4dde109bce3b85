// Many shops in one process (docs/shops.md). Each folder of shops.dir is a shop: its kefu.yaml is
// laid over the deployment's configuration, and the shop is composed whole (flows and their hot
// reload, catalog, orders, desks, channels, reminders, admin) with every Redis key, queue and counter
// under a prefix of its own, so two shops share nothing but the process and the Redis server.
//
// One HTTP server fronts them all: /shops/<id>/… is that shop's (its page, web chat, webhooks,
// /desk, /admin, /metrics; a marketplace app's webhook URL names the shop, and the app's signature
// proves it); the root paths are the default shop's, except that a web chat message names its shop
// with `shop` in the body and the event stream with ?shop=. The folder is watched: a new shop starts,
// a removed one stops and a changed kefu.yaml restarts that shop alone, with no restart of the rest.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { watchFolder, type FolderWatcher } from '../adapters/files/watch-folder.ts';
import { DEFAULT_SHOP } from '../adapters/webchat/webchat-routes.ts';
import type { KefuConfig } from '../config/config-types.ts';
import { loadConfig } from '../config/load-config.ts';
import { formatProblem, type Problem } from '../dialogs/flows/problems.ts';
import type { Logger } from '../dialogs/ports.ts';
import { buildServer } from './build-server.ts';
import type { Kefu } from './kefu.ts';

/** A shop's id: its folder's name (lower-case letters, digits and dashes; it is a path segment and part of Redis keys). */
export const SHOP_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** Each shop's own settings, in its folder. */
export const SHOP_FILE = 'kefu.yaml';

export interface ServedShop {
  id: string;
  kefu: Kefu;
  http: FastifyInstance;
  /** The fingerprint of the kefu.yaml it was composed from: a change restarts the shop. */
  fingerprint: string;
}

export interface ShopsHostOptions {
  /** The deployment's configuration (shops.dir set): server, redis and logging are every shop's. */
  config: KefuConfig;
  logger: Logger;
  /** Where the deployment's own settings came from, to lay each shop's file over (default: env KEFU_CONFIG). */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ShopsHost {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  shops(): ReadonlyMap<string, ServedShop>;
  /** Reads the folder again now (the watcher does it on every change). Resolves when every shop is up to date. */
  rescan(): Promise<void>;
  close(): Promise<void>;
}

/** The shops' folders and the fingerprints of their files, by id (folders with other names are skipped). */
function listShops(dir: string, logger: Logger): Map<string, string> {
  const found = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (!SHOP_ID_PATTERN.test(entry.name)) {
      logger.warn({ folder: entry.name }, 'shops: a folder name is not a shop id (a-z, 0-9, -; up to 32); skipped');
      continue;
    }
    const file = path.join(dir, entry.name, SHOP_FILE);
    try {
      if (!statSync(file).isFile()) continue;
      found.set(entry.name, createHash('sha256').update(readFileSync(file)).digest('hex'));
    } catch {
      // A folder without kefu.yaml (yet) is not a shop.
    }
  }
  return found;
}

/** Every log line of a shop says which shop it is. */
function shopLogger(logger: Logger, shop: string): Logger {
  const tagged = (obj: object | string): object => (typeof obj === 'string' ? { shop, msg: obj } : { shop, ...obj });
  return {
    debug: (obj, msg) => logger.debug(tagged(obj), msg),
    info: (obj, msg) => logger.info(tagged(obj), msg),
    warn: (obj, msg) => logger.warn(tagged(obj), msg),
    error: (obj, msg) => logger.error(tagged(obj), msg),
  };
}

/** The shop's configuration: its file over the deployment's; server, redis and logging stay the deployment's; keys get the shop's prefix. */
export function shopConfig(options: ShopsHostOptions, id: string): KefuConfig {
  const { config: deployment } = options;
  const shopFile = path.join(deployment.shops.dir!, id, SHOP_FILE);
  const file = options.configFile ?? (options.env ?? process.env).KEFU_CONFIG;
  const { config } = loadConfig({ env: options.env ?? process.env, shopFile, ...(file ? { file } : {}) });
  return {
    ...config,
    server: deployment.server,
    redis: deployment.redis,
    logging: deployment.logging,
    shops: deployment.shops,
    sessions: { ...config.sessions, keyPrefix: `${deployment.sessions.keyPrefix}shop:${id}:` },
  };
}

export async function startShops(options: ShopsHostOptions): Promise<ShopsHost> {
  const { config: deployment, logger } = options;
  const dir = deployment.shops.dir;
  if (!dir) throw new Error('shops.dir is not set');
  const served = new Map<string, ServedShop>();
  const bodyLimit = deployment.server.bodyLimitBytes;

  const startShop = async (id: string, fingerprint: string): Promise<void> => {
    const log = shopLogger(logger, id);
    const { kefu, http } = await buildServer(shopConfig(options, id), log, { shopId: id });
    await http.ready();
    served.set(id, { id, kefu, http, fingerprint });
    log.info(`shop ${id} is open at /shops/${id}/`);
  };
  const stopShop = async (id: string): Promise<void> => {
    const shop = served.get(id);
    if (!shop) return;
    served.delete(id);
    await shop.http.close();
    await shop.kefu.close();
  };

  // One scan at a time, in order: a quick second change waits for the first to be applied.
  let scanning: Promise<void> = Promise.resolve();
  const scanOnce = async (): Promise<void> => {
    const wanted = listShops(dir, logger);
    for (const id of [...served.keys()]) {
      if (wanted.get(id) !== served.get(id)!.fingerprint) await stopShop(id);
    }
    for (const [id, fingerprint] of wanted) {
      if (served.has(id)) continue;
      // A shop that cannot start (bad file, flows with problems) is reported and left out; the others serve on.
      await startShop(id, fingerprint).catch((error: Error & { problems?: Problem[] }) => {
        logger.error({ shop: id, err: error.message, ...(error.problems ? { problems: error.problems.map(formatProblem) } : {}) }, `shop ${id} cannot start`);
      });
    }
  };
  const rescan = (): Promise<void> => {
    scanning = scanning.then(scanOnce, scanOnce);
    return scanning;
  };

  const defaultShop = (): ServedShop | undefined => {
    const named = deployment.shops.defaultShop ?? DEFAULT_SHOP;
    return served.get(named) ?? (deployment.shops.defaultShop ? undefined : served.get([...served.keys()].sort()[0] ?? ''));
  };

  const notFound = (res: ServerResponse, message: string): void => {
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error: message }));
  };

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const at = url.indexOf('?');
    const pathname = at === -1 ? url : url.slice(0, at);
    const query = at === -1 ? '' : url.slice(at);
    const prefixed = /^\/shops\/([^/]*)(\/.*)?$/.exec(pathname);
    if (prefixed) {
      const id = prefixed[1]!;
      const shop = SHOP_ID_PATTERN.test(id) ? served.get(id) : undefined;
      if (!shop) return notFound(res, 'there is no such shop here');
      // The page's links are relative: /shops/tea must become /shops/tea/.
      if (prefixed[2] === undefined) {
        res.writeHead(301, { location: `/shops/${id}/${query}` }).end();
        return;
      }
      req.url = prefixed[2] + query;
      shop.http.routing(req, res);
      return;
    }
    if (req.method === 'POST' && pathname === '/webchat/messages') return void forwardByBody(req, res);
    const named = new URLSearchParams(query).get('shop');
    const shop = named === null ? defaultShop() : SHOP_ID_PATTERN.test(named) ? served.get(named) : undefined;
    if (!shop) return notFound(res, named === null ? 'no default shop is open' : 'there is no such shop here');
    shop.http.routing(req, res);
  };

  /** A root web chat message goes to the shop its body names (the default shop when it names none). */
  const forwardByBody = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > bodyLimit) {
        res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' }).end(JSON.stringify({ error: `the body is larger than ${bodyLimit} bytes` }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    }
    const payload = Buffer.concat(chunks);
    let named: unknown;
    try {
      named = (JSON.parse(payload.toString('utf8')) as { shop?: unknown } | null)?.shop;
    } catch {
      named = undefined; // not JSON: the default shop's route answers 400 as it would alone
    }
    const shop = named === undefined ? defaultShop() : typeof named === 'string' && SHOP_ID_PATTERN.test(named) ? served.get(named) : undefined;
    if (!shop) return notFound(res, named === undefined ? 'no default shop is open' : 'there is no such shop here');
    const answer = await shop.http.inject({
      method: 'POST',
      url: req.url ?? '/webchat/messages',
      headers: req.headers,
      payload,
      // The rate limits count by the visitor's address, not by the host's.
      remoteAddress: req.socket.remoteAddress ?? '127.0.0.1',
    });
    const headers = { ...answer.headers };
    delete headers['transfer-encoding'];
    delete headers['content-length'];
    res.writeHead(answer.statusCode, headers as Record<string, string>).end(answer.rawPayload);
  };

  await rescan();
  const watcher: FolderWatcher = watchFolder(dir, () => void rescan());
  await watcher.ready;
  // A shop added while the watcher started is picked up here.
  await rescan();

  const server: Server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'shops: a request could not be routed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'internal error' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deployment.server.port, deployment.server.host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const host = deployment.server.host === '0.0.0.0' || deployment.server.host === '::' ? '127.0.0.1' : deployment.server.host;
  logger.info({ shops: [...served.keys()] }, `Kefu serves ${served.size} shop(s) on http://${host}:${port} (each under /shops/<id>/)`);
  return {
    url: `http://${host}:${port}`,
    shops: () => served,
    rescan,
    async close() {
      await watcher.close();
      await scanning.catch(() => {});
      // The event streams stay open until their shop closes them.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const id of [...served.keys()]) await stopShop(id);
      server.closeAllConnections();
      await closed;
    },
  };
}
