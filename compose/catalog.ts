// Chooses and wires the catalog from the configuration: the catalog file (the demo shop's, or the
// merchant's `commerce.catalogFile` / KEFU_CATALOG), hot-reloaded when it changes, or the merchant's
// HTTP API. Called once from server.ts.

import type { CommerceConfig } from '../config/config-types.ts';
import type { Catalog } from '../dialogs/commerce/catalog.ts';
import { InvalidFilesError, formatProblem } from '../dialogs/flows/problems.ts';
import type { Logger } from '../dialogs/ports.ts';
import { watchFolder, type FolderWatcher } from '../adapters/files/watch-folder.ts';
import { DEMO_CATALOG_FILE, DemoCatalog } from '../adapters/commerce/demo/demo-catalog.ts';
import { HttpCatalog } from '../adapters/commerce/http/http-catalog.ts';

/** A catalog file with problems: Kefu refuses to start on it (a running Kefu keeps its previous catalog). */
export class InvalidCatalogError extends InvalidFilesError {
  constructor(problems: InvalidFilesError['problems']) {
    super(problems);
    this.name = 'InvalidCatalogError';
  }
}

export interface WiredCatalog {
  catalog: Catalog;
  /** Where the data comes from, for the start-up log line. */
  source: string;
  close(): Promise<void>;
}

export async function createCatalog(config: CommerceConfig, logger: Logger): Promise<WiredCatalog> {
  if (config.kind === 'http') {
    const http = config.http;
    if (!http?.baseUrl) throw new Error('commerce.kind is "http" but commerce.http.baseUrl is not set');
    const catalog = new HttpCatalog({
      baseUrl: http.baseUrl,
      token: http.token ?? null,
      timeoutMs: http.timeoutMs ?? 2000,
      retries: http.retries ?? 2,
      cacheSeconds: http.cacheSeconds ?? 60,
      searchEndpoint: http.searchEndpoint ?? false,
    });
    const source = `the shop's API at ${new URL(http.baseUrl).origin}`;
    logger.info({ source }, 'catalog: the shop system\'s HTTP API');
    return { catalog, source, close: async () => {} };
  }

  const file = config.catalogFile ?? DEMO_CATALOG_FILE;
  // Watching starts before the first read, so an edit saved while Kefu starts is not missed.
  let changedWhileLoading = false;
  let onChange = (): void => {
    changedWhileLoading = true;
  };
  const watcher: FolderWatcher | null = config.watch ? watchFolder(file, () => onChange()) : null;
  await watcher?.ready;
  let catalog: DemoCatalog;
  try {
    catalog = await DemoCatalog.load(file);
  } catch (error) {
    await watcher?.close();
    throw error instanceof InvalidFilesError ? new InvalidCatalogError(error.problems) : error;
  }
  // One reload at a time, in order, so an older slow read never replaces a newer one.
  let reloading: Promise<unknown> = Promise.resolve();
  onChange = () => {
    reloading = reloading
      .then(async () => {
        const result = await catalog.reload();
        if (result.ok) logger.info({ file, products: result.data.products.length }, 'catalog reloaded');
        else logger.error({ problems: result.problems.map(formatProblem) }, 'the catalog file is invalid; still serving the previous catalog');
      })
      .catch((error: unknown) => logger.error({ err: (error as Error).message }, 'catalog reload failed; still serving the previous catalog'));
  };
  if (changedWhileLoading) onChange();
  logger.info({ file, products: (await catalog.listProducts()).length }, 'catalog loaded');
  return {
    catalog,
    source: file === DEMO_CATALOG_FILE ? 'the demo shop' : file,
    async close() {
      await watcher?.close();
      await reloading;
    },
  };
}
