// Reads which colour and size of a product a buyer means ("黑色M码", "black in L", "藍色 XL",
// "30码的深蓝"). Colours match the product's colour names in every language and their aliases;
// letter sizes must stand alone (the "m" of "I'm" is not size M) unless written "M码" or "size m".

import type { Product } from './catalog.ts';
import { toSimplified } from '../language/chinese-script.ts';

export interface VariantMention {
  colour: string | null;
  size: string | null;
}

function normalise(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function findColour(text: string, product: Product): string | null {
  const haystack = normalise(text);
  let best: { id: string; length: number } | null = null;
  for (const colour of product.colours) {
    for (const name of [colour.name['zh-Hans'], colour.name['zh-Hant'], colour.name.en, ...(colour.aliases ?? [])]) {
      const needle = normalise(name).trim();
      if (!needle) continue;
      const found = /^[a-z ]+$/.test(needle) ? new RegExp(`(?<![a-z])${escape(needle)}(?![a-z])`).test(haystack) : haystack.includes(needle);
      if (found && needle.length > (best?.length ?? 0)) best = { id: colour.id, length: needle.length };
    }
  }
  return best?.id ?? null;
}

export function findSize(text: string, product: Product): string | null {
  const raw = text.normalize('NFKC');
  // Longest sizes first, so "XXL" is not read as "XL" or "L".
  const sizes = [...product.sizes].sort((a, b) => b.length - a.length);
  for (const size of sizes) {
    const s = escape(size);
    if (/^\d+$/.test(size)) {
      if (new RegExp(`(?<![\\d.])${s}(?![\\d.])(?!\\s*(?:cm|厘米|公分|kg|公斤|斤|元|块|岁|度))`, 'i').test(raw)) return size;
      continue;
    }
    // Upper case on its own, or any case when marked as a size.
    if (new RegExp(`(?<![A-Za-z])${s}(?![A-Za-z])`).test(raw)) return size;
    if (new RegExp(`(?<![A-Za-z])${s}\\s*(?:码|碼|号|號)|size\\s*${s}(?![A-Za-z])`, 'i').test(raw)) return size;
  }
  return null;
}

export function findVariant(text: string, product: Product): VariantMention {
  return { colour: findColour(text, product), size: findSize(text, product) };
}
