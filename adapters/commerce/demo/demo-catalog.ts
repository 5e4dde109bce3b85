// The demo shop's catalog, read from demo-catalog.yaml beside this file. It is the embedded
// default commerce backend: `npm start` needs no shop system to show size advice end to end.

import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { Catalog, Product, SizeChartRow } from '../../../dialogs/ports.ts';

interface CatalogFile {
  defaultSizeChart: SizeChartRow[];
  products: Product[];
}

export const DEMO_CATALOG_FILE = new URL('./demo-catalog.yaml', import.meta.url);

export class DemoCatalog implements Catalog {
  private constructor(private readonly data: CatalogFile) {}

  static async load(file: URL | string = DEMO_CATALOG_FILE): Promise<DemoCatalog> {
    const data = parse(await readFile(file, 'utf8')) as CatalogFile;
    if (!Array.isArray(data?.products) || !Array.isArray(data.defaultSizeChart)) {
      throw new Error(`${String(file)}: expected "products" and "defaultSizeChart" lists`);
    }
    return new DemoCatalog(data);
  }

  async getProduct(id: string): Promise<Product | null> {
    return this.data.products.find((p) => p.id === id) ?? null;
  }

  async listProducts(): Promise<Product[]> {
    return this.data.products;
  }

  async defaultSizeChart(): Promise<SizeChartRow[]> {
    return this.data.defaultSizeChart;
  }
}
