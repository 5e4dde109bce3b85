// A catalog served from a catalog file: the demo shop's (demo-catalog.yaml beside this file, the
// embedded default, so `npm start` needs no shop system) or a merchant's own file. `load` refuses an
// invalid file with every problem as file:line:col; `reload` swaps in a valid edit and keeps serving
// the previous catalog when the edit is invalid.

import { fileURLToPath } from 'node:url';
import type { Catalog, Product, Promotion, ShippingPolicy, SizeChartRow } from '../../../dialogs/commerce/catalog.ts';
import { InvalidFilesError } from '../../../dialogs/flows/problems.ts';
import { readCatalogFile, type CatalogData, type CatalogReadResult } from './catalog-file.ts';

export const DEMO_CATALOG_FILE = fileURLToPath(new URL('./demo-catalog.yaml', import.meta.url));

export class DemoCatalog implements Catalog {
  private byId: Map<string, Product>;

  private constructor(
    private readonly file: string,
    private data: CatalogData,
  ) {
    this.byId = new Map(data.products.map((p) => [p.id, p]));
  }

  /** Loads a catalog file; throws InvalidFilesError listing every problem when it is invalid. */
  static async load(file: URL | string = DEMO_CATALOG_FILE): Promise<DemoCatalog> {
    const path = file instanceof URL ? fileURLToPath(file) : file;
    const result = await readCatalogFile(path);
    if (!result.ok) throw new InvalidFilesError(result.problems);
    return new DemoCatalog(path, result.data);
  }

  /** Reads the file again; applies it only when valid (the problems are returned otherwise). */
  async reload(): Promise<CatalogReadResult> {
    const result = await readCatalogFile(this.file);
    if (result.ok) {
      this.data = result.data;
      this.byId = new Map(result.data.products.map((p) => [p.id, p]));
    }
    return result;
  }

  get fileName(): string {
    return this.file;
  }

  async getProduct(id: string): Promise<Product | null> {
    return this.byId.get(id) ?? null;
  }

  async listProducts(): Promise<Product[]> {
    return this.data.products;
  }

  async defaultSizeChart(): Promise<SizeChartRow[]> {
    return this.data.defaultSizeChart;
  }

  async promotions(): Promise<Promotion[]> {
    return this.data.promotions;
  }

  async shippingPolicy(): Promise<ShippingPolicy> {
    return this.data.shipping;
  }
}
