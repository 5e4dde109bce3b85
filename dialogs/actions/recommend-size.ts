// recommend_size: picks a size from the buyer's height and weight and/or chest and waist
// measurements, using the size chart of the product in focus (or the shop's default chart when the
// buyer did not say which product). Between two sizes it says so, and the fit preference decides:
// slim → the smaller, regular or loose → the larger. A measurement outside the chart gives no size
// (the flow gives measuring advice and hands off).

import type { SizeChartRow } from '../commerce/catalog.ts';
import type { ActionDefinition } from './action-types.ts';
import { originalQuestion, productInFocus } from './product-in-focus.ts';

function within(range: [number, number] | undefined, value: number): boolean {
  return range !== undefined && value >= range[0] && value <= range[1];
}

export interface SizeAdvice {
  /** The recommended size, or null when the buyer is outside the chart. */
  size: string | null;
  /** The two neighbouring sizes when the measurements point at different ones, e.g. "M/L". */
  between: string | null;
  /** True when none of the measurements given is a column of this chart (e.g. a waist for a top). */
  unusable?: boolean;
}

export interface Measurements {
  heightCm?: number;
  weightKg?: number;
  chestCm?: number;
  waistCm?: number;
}

type Column = keyof Measurements;
const COLUMNS: readonly Column[] = ['heightCm', 'weightKg', 'chestCm', 'waistCm'];

export function adviseSizeFrom(chart: readonly SizeChartRow[], measurements: Measurements, fit?: string): SizeAdvice {
  const perMeasure: number[][] = [];
  for (const column of COLUMNS) {
    const value = measurements[column];
    // A measurement the chart has no column for says nothing about this product's sizes.
    if (value === undefined || !Number.isFinite(value) || !chart.some((row) => row[column])) continue;
    perMeasure.push(chart.flatMap((row, i) => (within(row[column], value) ? [i] : [])));
  }
  if (perMeasure.length === 0) return { size: null, between: null, unusable: true };
  if (perMeasure.some((rows) => rows.length === 0)) return { size: null, between: null };
  const common = perMeasure.reduce((acc, rows) => acc.filter((i) => rows.includes(i)));
  if (common.length > 0) {
    // On a boundary two rows fit; slim wearers take the smaller, everyone else the larger.
    const index = fit === 'slim' ? Math.min(...common) : Math.max(...common);
    return { size: chart[index]!.size, between: null };
  }
  const all = perMeasure.flat();
  const small = Math.min(...all);
  const large = Math.max(...all);
  const index = fit === 'slim' ? small : large;
  return { size: chart[index]!.size, between: `${chart[small]!.size}/${chart[large]!.size}` };
}

/** Height and weight only (kept for callers of the first version). */
export function adviseSize(chart: readonly SizeChartRow[], heightCm: number, weightKg: number, fit?: string): SizeAdvice {
  return adviseSizeFrom(chart, { heightCm, weightKg }, fit);
}

function numberSlot(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export const recommendSize: ActionDefinition = {
  name: 'recommend_size',
  description:
    'Sets `size` (null when outside the chart), `between`, `no_sizes` (the product comes in one size) and `unusable` (no measurement fits this chart) from slots height (cm), weight (kg), chest, waist (cm) and fit.',
  outputs: ['size', 'between', 'no_sizes', 'unusable'],
  async run(context) {
    const { slots } = context;
    const { product } = await productInFocus(context, originalQuestion(context));
    if (product && product.sizes.length === 0) return { set: { size: null, between: null, no_sizes: true, unusable: false } };
    const chart = product?.sizeChart?.length ? product.sizeChart : await context.catalog.defaultSizeChart();
    const measurements: Measurements = {};
    const height = numberSlot(slots.height);
    const weight = numberSlot(slots.weight);
    const chest = numberSlot(slots.chest);
    const waist = numberSlot(slots.waist);
    if (height !== undefined) measurements.heightCm = height;
    if (weight !== undefined) measurements.weightKg = weight;
    if (chest !== undefined) measurements.chestCm = chest;
    if (waist !== undefined) measurements.waistCm = waist;
    const advice = adviseSizeFrom(chart, measurements, typeof slots.fit === 'string' ? slots.fit : undefined);
    return { set: { size: advice.size, between: advice.between, no_sizes: false, unusable: advice.unusable === true } };
  },
};
