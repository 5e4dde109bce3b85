// The catalog file: the demo shop's file is valid; every kind of mistake a merchant makes is
// reported as file:line:col pointing at the spot to fix; Kefu refuses to start on an invalid file,
// and a running Kefu picks up valid edits while keeping the previous catalog on an invalid one.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog, InvalidCatalogError } from '../../compose/catalog.ts';
import { parseCatalogText } from '../../adapters/commerce/demo/catalog-file.ts';
import { DEMO_CATALOG_FILE } from '../../adapters/commerce/demo/demo-catalog.ts';
import { loadConfig } from '../../config/load-config.ts';
import { formatProblem } from '../../dialogs/flows/problems.ts';
import { silentLogger } from '../../dialogs/ports.ts';
import { startTestKefu } from '../support/start-kefu.ts';

let demoText: string;
let dir: string;
beforeAll(async () => {
  demoText = await readFile(DEMO_CATALOG_FILE, 'utf8');
  dir = await mkdtemp(path.join(tmpdir(), 'kefu-catalog-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SMALL = `shipping:
  cutoffTime: "16:00"
  dispatchDays: 1
  currency: CNY
  freeShippingThreshold: 99
  couriers:
    - { id: zto, name: { zh-Hans: 中通, zh-Hant: 中通, en: ZTO } }
  regions: []
  invoice: { available: false }
defaultSizeChart:
  - { size: M, heightCm: [165, 175] }
products:
  - id: tee
    name: { zh-Hans: T恤, zh-Hant: T恤, en: Tee }
    category: apparel
    price: 79
    currency: CNY
    colours:
      - { id: black, name: { zh-Hans: 黑色, zh-Hant: 黑色, en: Black } }
    sizes: [M, L]
    stock:
      black: { M: 3, L: 0 }
    restock:
      black: { L: "2026-12-20" }
`;

function problems(text: string): string[] {
  const result = parseCatalogText(text, 'shop.yaml');
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('the catalog file', () => {
  it('the demo shop: 20 products, valid', () => {
    const result = parseCatalogText(demoText, 'demo-catalog.yaml');
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    if (result.ok) expect(result.data.products).toHaveLength(20);
  });

  it('turns the compact stock notation into variants', () => {
    const result = parseCatalogText(SMALL, 'shop.yaml');
    expect(result.ok && result.data.products[0]!.variants).toEqual([
      { colour: 'black', size: 'M', stock: 3 },
      { colour: 'black', size: 'L', stock: 0, restockDate: '2026-12-20' },
    ]);
  });

  it.each([
    ['a YAML syntax error', SMALL.replace('category: apparel', 'category: [apparel'), /^shop\.yaml:\d+:\d+ /],
    ['a key written twice', SMALL.replace('    price: 79\n', '    price: 79\n    price: 89\n'), /^shop\.yaml:17:5 Map keys must be unique/],
    ['an unknown key', SMALL.replace('    price: 79\n', '    price: 79\n    colour: red\n'), /^shop\.yaml:17:5 products\.0\.colour: unknown key "colour"/],
    ['a missing language', SMALL.replace('name: { zh-Hans: T恤, zh-Hant: T恤, en: Tee }', 'name: { zh-Hans: T恤, en: Tee }'), /^shop\.yaml:14:11 products\.0\.name: missing "zh-Hant"/],
    ['a price that is text', SMALL.replace('price: 79', 'price: cheap'), /^shop\.yaml:16:12 products\.0\.price: must be number/],
    ['a date that is not ISO', SMALL.replace('"2026-12-20"', '"20/12/2026"'), /^shop\.yaml:24:19 products\.0\.restock\.black\.L: must be a date as YYYY-MM-DD/],
    ['a cut-off time that is not HH:MM', SMALL.replace('"16:00"', '"4pm"'), /^shop\.yaml:2:15 shipping\.cutoffTime: must be a time of day as HH:MM/],
    ['stock for a colour the product does not have', SMALL.replace('black: { M: 3, L: 0 }', 'black: { M: 3, L: 0 }\n      red: { M: 1, L: 1 }'), /^shop\.yaml:23:7 stock: "red" is not one of the product's colours \(black\)/],
    ['a size with no stock given', SMALL.replace('black: { M: 3, L: 0 }', 'black: { M: 3 }'), /^shop\.yaml:22:14 stock: missing size "L" of black/],
    ['one number for a product with colours', SMALL.replace('      black: { M: 3, L: 0 }\n', '').replace('    stock:\n', '    stock: 5\n'), /^shop\.yaml:21:12 stock: give a number for each colour \(black\)/],
    ['a range the wrong way round', SMALL.replace('heightCm: [165, 175]', 'heightCm: [175, 165]'), /^shop\.yaml:11:26 heightCm: the smaller number comes first/],
    ['a similar product that does not exist', SMALL.replace('    sizes: [M, L]\n', '    sizes: [M, L]\n    similar: [ghost]\n'), /^shop\.yaml:21:15 no product has the id "ghost"/],
    ['negative stock', SMALL.replace('M: 3', 'M: -3'), /^shop\.yaml:22:19 products\.0\.stock\.black\.M: must be >= 0/],
    ['a product id used twice', SMALL + SMALL.slice(SMALL.indexOf('  - id: tee')), /^shop\.yaml:\d+:\d+ product id "tee" is used twice/],
  ])('reports %s with file:line:col', (_what, text, expected) => {
    const found = problems(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((p) => expected.test(p)), found.join('\n')).toBe(true);
  });

  it('refuses hostile files: alias bombs, huge files, the wrong shape', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x,x]', ...Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
    expect(problems(bomb).join('\n')).toMatch(/alias|unknown key/i);
    expect(problems('x'.repeat(11 * 1024 * 1024))[0]).toMatch(/larger than 10 MB/);
    expect(problems('[]')[0]).toMatch(/^shop\.yaml:1:1 must be object/);
    expect(problems('')[0]).toMatch(/^shop\.yaml:1:1 /);
  });
});

describe('choosing the catalog', () => {
  it('KEFU_CATALOG points Kefu at a merchant file, relative to the project folder', () => {
    const { config } = loadConfig({ env: { KEFU_CATALOG: 'shop/catalog.yaml' } });
    expect(config.commerce.catalogFile).toMatch(/\/shop\/catalog\.yaml$/);
    expect(path.isAbsolute(config.commerce.catalogFile!)).toBe(true);
  });

  it('Kefu refuses to start on an invalid catalog file, naming file:line:col', async () => {
    const file = path.join(dir, 'broken.yaml');
    await writeFile(file, SMALL.replace('price: 79', 'price: cheap'));
    const started = startTestKefu({ env: { KEFU_CATALOG: file } });
    await expect(started).rejects.toBeInstanceOf(InvalidCatalogError);
    await expect(started).rejects.toThrow(`${file}:16:12 products.0.price: must be number`);
  });

  it('Kefu refuses to start on a catalog file that does not exist', async () => {
    await expect(startTestKefu({ env: { KEFU_CATALOG: path.join(dir, 'missing.yaml') } })).rejects.toThrow(/cannot read the catalog file/);
  });

  it('commerce.kind http without a base URL is a configuration error', () => {
    expect(() => loadConfig({ env: { KEFU__COMMERCE__KIND: 'http' } })).toThrow(/http/);
  });
});

describe('hot reload', () => {
  it('applies a valid edit and keeps the previous catalog on an invalid one', async () => {
    const file = path.join(dir, 'live.yaml');
    await writeFile(file, SMALL);
    const wired = await createCatalog({ kind: 'demo', catalogFile: file, watch: true }, silentLogger);
    try {
      const price = async (): Promise<number | undefined> => (await wired.catalog.getProduct('tee'))?.price;
      expect(await price()).toBe(79);

      await writeFile(file, SMALL.replace('price: 79', 'price: 69'));
      await expect.poll(price, { timeout: 20_000, interval: 50 }).toBe(69);

      // An invalid edit, then a valid one: the first is refused (69 keeps serving), the second applied.
      await writeFile(file, SMALL.replace('price: 79', 'price: free'));
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await price()).toBe(69);
      await writeFile(file, SMALL.replace('price: 79', 'price: 59').replace('M: 3', 'M: 0'));
      await expect.poll(price, { timeout: 20_000, interval: 50 }).toBe(59);
      expect((await wired.catalog.getProduct('tee'))?.variants[0]?.stock).toBe(0);
    } finally {
      await wired.close();
    }
  });

  it('a running Kefu answers from the edited file', async () => {
    const file = path.join(dir, 'served.yaml');
    await writeFile(file, demoText);
    const server = await startTestKefu({ env: { KEFU_CATALOG: file, KEFU__COMMERCE__WATCH: 'true' } });
    try {
      const ask = async (): Promise<string> => {
        const response = await fetch(`${server.url}/webchat/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ conversationId: `reload-${Math.random().toString(36).slice(2)}`, productId: 'mango-dried', text: '多少钱' }),
        });
        return JSON.stringify(await response.json());
      };
      expect(await ask()).toContain('¥19.9');
      await writeFile(file, demoText.replace('price: 19.9', 'price: 17.5'));
      await expect.poll(ask, { timeout: 20_000, interval: 100 }).toContain('¥17.5');
    } finally {
      await server.close();
    }
  });
});
