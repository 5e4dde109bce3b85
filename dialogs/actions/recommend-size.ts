// recommend_size: picks a size from the buyer's height and weight using the product's size chart
// (or the shop's default chart when the buyer did not say which product).
// Between two sizes it says so, and the fit preference decides: slim → the smaller, otherwise the larger.

import type { SizeChartRow } from '../ports.ts';
import type { ActionDefinition } from './action-types.ts';

function within(range: [number, number] | undefined, value: number): boolean {
  return range !== undefined && value >= range[0] && value <= range[1];
}

export interface SizeAdvice {
  /** The recommended size, or null when the buyer is outside the chart. */
  size: string | null;
  /** The two neighbouring sizes when height and weight point at different ones, e.g. "M/L". */
  between: string | null;
}

export function adviseSize(chart: readonly SizeChartRow[], heightCm: number, weightKg: number, fit?: string): SizeAdvice {
  const byHeight = chart.filter((row) => within(row.heightCm, heightCm)).map((row) => chart.indexOf(row));
  const byWeight = chart.filter((row) => within(row.weightKg, weightKg)).map((row) => chart.indexOf(row));
  const both = byHeight.filter((i) => byWeight.includes(i));
  if (both.length > 0) {
    // On a boundary two rows fit; slim wearers take the smaller, everyone else the larger.
    const index = fit === 'slim' ? Math.min(...both) : Math.max(...both);
    return { size: chart[index]!.size, between: null };
  }
  if (byHeight.length === 0 || byWeight.length === 0) return { size: null, between: null };
  const small = Math.min(...byHeight, ...byWeight);
  const large = Math.max(...byHeight, ...byWeight);
  const index = fit === 'slim' ? small : large;
  return { size: chart[index]!.size, between: `${chart[small]!.size}/${chart[large]!.size}` };
}

export const recommendSize: ActionDefinition = {
  name: 'recommend_size',
  description: 'Sets `size` (null when outside the chart) and `between` from slots height (cm), weight (kg) and optional fit.',
  outputs: ['size', 'between'],
  async run({ slots, context, catalog }) {
    const height = Number(slots.height);
    const weight = Number(slots.weight);
    const product = context.productId ? await catalog.getProduct(context.productId) : null;
    const chart = product?.sizeChart?.length ? product.sizeChart : await catalog.defaultSizeChart();
    const advice = adviseSize(chart, height, weight, typeof slots.fit === 'string' ? slots.fit : undefined);
    return { set: { size: advice.size, between: advice.between } };
  },
};
