// The catalog side of the commerce port: what pre-sale flows read about the shop's products and
// policies. It is channel-agnostic and small on purpose, so a merchant's own system can implement it
// (adapters/commerce/http speaks the REST contract in docs/openapi/commerce-catalog.yaml).
// Implementations: a catalog file (adapters/commerce/demo, the embedded default) and a merchant's HTTP API.
// Any call may throw CommerceUnavailableError (dialogs/commerce/commerce-unavailable.ts) when the
// backend cannot answer; the engine turns that into a graceful reply.

import type { Language, LocalText } from '../messages.ts';

/** One row of a size chart: a size fits buyers within these ranges (inclusive). */
export interface SizeChartRow {
  size: string;
  heightCm?: [number, number];
  weightKg?: [number, number];
  chestCm?: [number, number];
  waistCm?: [number, number];
}

export interface Colour {
  id: string;
  name: LocalText;
  /** Other words buyers use for it ("藏青", "navy"). */
  aliases?: string[];
}

/** One purchasable combination. Products without colours or sizes have one variant with neither. */
export interface Variant {
  colour?: string;
  size?: string;
  /** Units available now; 0 means sold out. Buyers only ever see a band, never this number. */
  stock: number;
  /** When a sold-out variant comes back, as an ISO date (YYYY-MM-DD); absent when unknown or never. */
  restockDate?: string;
}

/** Facts buyers ask about. Every value in the three languages; a missing key means "we do not know". */
export const PRODUCT_ATTRIBUTES = [
  'material',
  'washing',
  'fit',
  'origin',
  'ingredients',
  'allergens',
  'shelfLife',
  'storage',
  'netContent',
] as const;
export type ProductAttribute = (typeof PRODUCT_ATTRIBUTES)[number];

export interface Product {
  id: string;
  name: LocalText;
  /** Other names buyers use for it, in any language. */
  aliases: string[];
  category: string;
  /** Price of one item now, in `currency`. */
  price: number;
  /** The price before a markdown, shown struck through; absent when not on sale. */
  listPrice?: number;
  currency: string;
  colours: Colour[];
  sizes: string[];
  variants: Variant[];
  sizeChart?: SizeChartRow[];
  /** Facts by attribute name (material, origin, …, or any name the shop adds). */
  attributes: Partial<Record<string, LocalText>>;
  /** Products to suggest when this one is sold out, best first. */
  similar?: string[];
  url?: string;
  imageUrl?: string;
}

export interface Promotion {
  id: string;
  /** What the buyer is told, e.g. "满199减20". */
  text: LocalText;
  /** Product ids it applies to; absent means the whole shop. */
  productIds?: string[];
  /** Last day it runs, ISO date; absent when open-ended. */
  endsOn?: string;
}

export interface Courier {
  id: string;
  name: LocalText;
}

export interface ShippingRegion {
  id: string;
  name: LocalText;
  /** Words buyers use for the region: provinces, cities ("上海", "沪", "Hong Kong", "HK"). */
  aliases: string[];
  /** Delivery days after dispatch, [fastest, slowest]. */
  days: [number, number];
  /** Fee below the free-shipping threshold, in the policy's currency. */
  fee: number;
}

export interface ShippingPolicy {
  /** Orders paid before this local time (HH:MM, shop time zone) ship the same day. */
  cutoffTime: string;
  /** Working days to dispatch an order paid after the cut-off (usually 1). */
  dispatchDays: number;
  couriers: Courier[];
  regions: ShippingRegion[];
  /** Orders at or above this total ship free; null when shipping is never free. */
  freeShippingThreshold: number | null;
  currency: string;
  invoice: {
    available: boolean;
    /** What kinds and how to ask for one, e.g. "电子普通发票,下单时填写抬头". */
    how?: LocalText;
  };
}

/** What the shopping guide asks a catalog that searches by itself (docs/openapi/commerce-catalog.yaml, /product-search). */
export interface CatalogSearchQuery {
  /** The buyer's words (at most 200 characters); empty when only a category or a price was named. */
  text: string;
  category: string | null;
  minPrice: number | null;
  maxPrice: number | null;
  language: Language;
  /** The most products wanted back. */
  limit: number;
}

/** The shop's catalog and policies. */
export interface Catalog {
  getProduct(id: string): Promise<Product | null>;
  /** Every product (for matching names and links in buyers' messages); may be cached briefly. */
  listProducts(): Promise<Product[]>;
  /**
   * The shop's own search, when it has one: products matching the words and category, best first,
   * with live stock, whatever their price or stock (the guide offers the nearest when none fits).
   * Absent: the shopping guide searches `listProducts()` itself.
   */
  search?: (query: CatalogSearchQuery) => Promise<Product[]>;
  /** The chart used when a buyer asks about sizes without naming a product. */
  defaultSizeChart(): Promise<SizeChartRow[]>;
  /** Promotions running now. */
  promotions(): Promise<Promotion[]>;
  shippingPolicy(): Promise<ShippingPolicy>;
}
