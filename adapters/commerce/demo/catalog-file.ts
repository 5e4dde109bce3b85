// Reads a catalog file (the demo shop's, or a merchant's via commerce.catalogFile / KEFU_CATALOG):
// YAML checked against catalog-file.schema.json, then cross-checked (stock for colours and sizes the
// product has, ranges the right way round, links to products that exist). Every problem is reported
// as `file:line:col message`, with the same YAML and schema code that checks flows.
// The file's compact stock notation (numbers per colour and size) becomes the port's variants.

import { readFile } from 'node:fs/promises';
import schema from './catalog-file.schema.json' with { type: 'json' };
import type { Colour, Product, ProductAttribute, Promotion, ShippingPolicy, SizeChartRow, Variant } from '../../../dialogs/commerce/catalog.ts';
import type { Problem } from '../../../dialogs/flows/problems.ts';
import { compileSchema, schemaProblems } from '../../../dialogs/flows/schema-check.ts';
import { parseYamlSource, problemAt, type YamlPath, type YamlSource } from '../../../dialogs/flows/yaml-source.ts';
import type { LocalText } from '../../../dialogs/messages.ts';

/** What a catalog file holds once read: everything the Catalog port answers. */
export interface CatalogData {
  shipping: ShippingPolicy;
  promotions: Promotion[];
  defaultSizeChart: SizeChartRow[];
  products: Product[];
}

type Stock = number | Record<string, number | Record<string, number>>;
type Restock = string | Record<string, string | Record<string, string>>;

interface ProductEntry {
  id: string;
  name: LocalText;
  aliases?: string[];
  category: string;
  price: number;
  listPrice?: number;
  currency: string;
  colours?: Colour[];
  sizes?: string[];
  stock: Stock;
  restock?: Restock;
  sizeChart?: SizeChartRow[];
  attributes?: Partial<Record<ProductAttribute, LocalText>>;
  similar?: string[];
  url?: string;
  imageUrl?: string;
}

interface CatalogFile {
  shipping: ShippingPolicy;
  promotions?: Promotion[];
  defaultSizeChart: SizeChartRow[];
  products: ProductEntry[];
}

const MAX_FILE_BYTES = 10 * 1024 * 1024;
// Compiled on first use, so commands that never read a catalog do not pay for it.
let validateCatalogFile: ReturnType<typeof compileSchema> | null = null;

// schema-check.ts words every pattern mismatch for flow names; a catalog's patterns mean other things.
const PATTERN_HINTS: Record<string, string> = {
  cutoffTime: 'must be a time of day as HH:MM, e.g. "16:00"',
  currency: 'must be a three-letter currency code, e.g. CNY',
  url: 'must start with http:// or https://',
  imageUrl: 'must start with http:// or https://',
  endsOn: 'must be a date as YYYY-MM-DD (quoted)',
  restock: 'must be a date as YYYY-MM-DD (quoted)',
};
function rewordPatternProblem(problem: Problem): Problem {
  const match = /^(.*?): must be lower_snake_case.*$/.exec(problem.message);
  if (!match) return problem;
  const path = match[1]!.split('.');
  const key = path.find((segment) => PATTERN_HINTS[segment]) ?? path.at(-1)!;
  const hint = PATTERN_HINTS[key] ?? (path.includes('restock') ? PATTERN_HINTS.restock! : 'must be letters, digits, "_", "." or "-" (an id)');
  return { ...problem, message: `${match[1]}: ${hint}` };
}

export type CatalogReadResult = { ok: true; data: CatalogData } | { ok: false; problems: Problem[] };

/** Reads and checks a catalog file; `shownName` is how problems name it (the path as configured). */
export async function readCatalogFile(file: string, shownName = file): Promise<CatalogReadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ file: shownName, line: 1, col: 1, message: `cannot read the catalog file: ${(error as Error).message}` }] };
  }
  return parseCatalogText(text, shownName);
}

export function parseCatalogText(text: string, shownName: string): CatalogReadResult {
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
    return { ok: false, problems: [{ file: shownName, line: 1, col: 1, message: `the catalog file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` }] };
  }
  const { source, problems: parseProblems } = parseYamlSource(shownName, text);
  if (!source) return { ok: false, problems: parseProblems };
  validateCatalogFile ??= compileSchema(schema);
  const shape = schemaProblems(validateCatalogFile, source).map(rewordPatternProblem);
  if (shape.length > 0) return { ok: false, problems: shape };
  const file = source.data as CatalogFile;
  const problems = crossCheck(source, file);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, data: toCatalogData(file) };
}

function checkRanges(source: YamlSource, chart: SizeChartRow[] | undefined, at: YamlPath, problems: Problem[]): void {
  chart?.forEach((row, i) => {
    for (const key of ['heightCm', 'weightKg', 'chestCm', 'waistCm'] as const) {
      const range = row[key];
      if (range && range[0] > range[1]) problems.push(problemAt(source, [...at, i, key], `${key}: the smaller number comes first`));
    }
    if (!row.heightCm && !row.weightKg && !row.chestCm && !row.waistCm) {
      problems.push(problemAt(source, [...at, i], `size ${row.size}: give at least one of heightCm, weightKg, chestCm, waistCm`));
    }
  });
}

function crossCheck(source: YamlSource, file: CatalogFile): Problem[] {
  const problems: Problem[] = [];
  const ids = new Set<string>();
  file.products.forEach((product, i) => {
    const at: YamlPath = ['products', i];
    if (ids.has(product.id)) problems.push(problemAt(source, [...at, 'id'], `product id "${product.id}" is used twice`));
    ids.add(product.id);
    if (product.listPrice !== undefined && product.listPrice < product.price) {
      problems.push(problemAt(source, [...at, 'listPrice'], 'listPrice (the price before the markdown) is below price'));
    }
    const colours = (product.colours ?? []).map((c) => c.id);
    const sizes = product.sizes ?? [];
    if (new Set(colours).size !== colours.length) problems.push(problemAt(source, [...at, 'colours'], 'a colour id is used twice'));
    if (new Set(sizes).size !== sizes.length) problems.push(problemAt(source, [...at, 'sizes'], 'a size is listed twice'));
    checkStock(source, product.stock, colours, sizes, [...at, 'stock'], problems);
    if (product.restock !== undefined && typeof product.restock !== 'string') {
      checkKeys(source, product.restock, colours, sizes, [...at, 'restock'], problems, 'restock');
    }
    checkRanges(source, product.sizeChart, [...at, 'sizeChart'], problems);
    product.sizeChart?.forEach((row, j) => {
      if (sizes.length > 0 && !sizes.includes(row.size)) {
        problems.push(problemAt(source, [...at, 'sizeChart', j, 'size'], `size "${row.size}" is not among the product's sizes (${sizes.join(', ')})`));
      }
    });
  });
  checkRanges(source, file.defaultSizeChart, ['defaultSizeChart'], problems);
  file.shipping.regions.forEach((region, i) => {
    if (region.days[0] > region.days[1]) problems.push(problemAt(source, ['shipping', 'regions', i, 'days'], 'days: the smaller number comes first'));
  });
  file.products.forEach((product, i) => {
    product.similar?.forEach((id, j) => {
      if (!ids.has(id)) problems.push(problemAt(source, ['products', i, 'similar', j], `no product has the id "${id}"`));
    });
  });
  file.promotions?.forEach((promotion, i) => {
    promotion.productIds?.forEach((id, j) => {
      if (!ids.has(id)) problems.push(problemAt(source, ['promotions', i, 'productIds', j], `no product has the id "${id}"`));
    });
  });
  return problems;
}

/** Stock must name exactly the product's colours (then sizes): a missing one would silently read as "sold out". */
function checkStock(source: YamlSource, stock: Stock, colours: string[], sizes: string[], at: YamlPath, problems: Problem[]): void {
  const outer = colours.length > 0 ? colours : sizes;
  if (outer.length === 0) {
    if (typeof stock !== 'number') problems.push(problemAt(source, at, 'stock: this product has no colours or sizes, so stock is one number'));
    return;
  }
  if (typeof stock === 'number') {
    problems.push(problemAt(source, at, `stock: give a number for each ${colours.length > 0 ? 'colour' : 'size'} (${outer.join(', ')})`));
    return;
  }
  checkKeys(source, stock, colours, sizes, at, problems, 'stock');
  for (const key of outer) if (!(key in stock)) problems.push(problemAt(source, at, `stock: missing ${colours.length > 0 ? 'colour' : 'size'} "${key}"`));
  if (colours.length > 0 && sizes.length > 0) {
    for (const colour of colours) {
      const bySize = stock[colour];
      if (bySize === undefined) continue;
      if (typeof bySize === 'number') {
        problems.push(problemAt(source, [...at, colour], `stock: give a number for each size of ${colour} (${sizes.join(', ')})`));
        continue;
      }
      for (const size of sizes) if (!(size in bySize)) problems.push(problemAt(source, [...at, colour], `stock: missing size "${size}" of ${colour}`));
    }
  }
}

function checkKeys(
  source: YamlSource,
  map: Record<string, unknown>,
  colours: string[],
  sizes: string[],
  at: YamlPath,
  problems: Problem[],
  what: string,
): void {
  const outer = colours.length > 0 ? colours : sizes;
  for (const [key, inner] of Object.entries(map)) {
    if (!outer.includes(key)) {
      const kind = colours.length > 0 ? 'colour' : 'size';
      problems.push(problemAt(source, [...at, key], `${what}: "${key}" is not one of the product's ${kind}s (${outer.join(', ') || 'none'})`, true));
      continue;
    }
    if (inner !== null && typeof inner === 'object') {
      if (colours.length === 0 || sizes.length === 0) {
        problems.push(problemAt(source, [...at, key], `${what}: this product has no sizes per colour, so "${key}" takes one value`));
        continue;
      }
      for (const size of Object.keys(inner)) {
        if (!sizes.includes(size)) problems.push(problemAt(source, [...at, key, size], `${what}: "${size}" is not one of the product's sizes (${sizes.join(', ')})`, true));
      }
    }
  }
}

function variantsOf(product: ProductEntry): Variant[] {
  const colours = (product.colours ?? []).map((c) => c.id);
  const sizes = product.sizes ?? [];
  const stockOf = (colour?: string, size?: string): number => {
    const { stock } = product;
    if (typeof stock === 'number') return stock;
    const outer = stock[colour ?? size!];
    if (typeof outer === 'number') return outer;
    return outer?.[size!] ?? 0;
  };
  const restockOf = (colour?: string, size?: string): string | undefined => {
    const { restock } = product;
    if (restock === undefined || typeof restock === 'string') return restock;
    const outer = restock[colour ?? size!];
    if (typeof outer === 'string' || outer === undefined) return outer;
    return size === undefined ? undefined : outer[size];
  };
  const variant = (colour?: string, size?: string): Variant => {
    const stock = stockOf(colour, size);
    const restockDate = stock === 0 ? restockOf(colour, size) : undefined;
    return { ...(colour ? { colour } : {}), ...(size ? { size } : {}), stock, ...(restockDate ? { restockDate } : {}) };
  };
  if (colours.length === 0 && sizes.length === 0) return [variant()];
  if (colours.length === 0) return sizes.map((size) => variant(undefined, size));
  if (sizes.length === 0) return colours.map((colour) => variant(colour));
  return colours.flatMap((colour) => sizes.map((size) => variant(colour, size)));
}

function toCatalogData(file: CatalogFile): CatalogData {
  return {
    shipping: file.shipping,
    promotions: file.promotions ?? [],
    defaultSizeChart: file.defaultSizeChart,
    products: file.products.map((entry) => ({
      id: entry.id,
      name: entry.name,
      aliases: entry.aliases ?? [],
      category: entry.category,
      price: entry.price,
      ...(entry.listPrice !== undefined ? { listPrice: entry.listPrice } : {}),
      currency: entry.currency,
      colours: entry.colours ?? [],
      sizes: entry.sizes ?? [],
      variants: variantsOf(entry),
      ...(entry.sizeChart ? { sizeChart: entry.sizeChart } : {}),
      attributes: entry.attributes ?? {},
      ...(entry.similar ? { similar: entry.similar } : {}),
      ...(entry.url ? { url: entry.url } : {}),
      ...(entry.imageUrl ? { imageUrl: entry.imageUrl } : {}),
    })),
  };
}
