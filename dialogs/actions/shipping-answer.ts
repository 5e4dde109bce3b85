// shipping_answer: when an order ships, which courier, how many days to the buyer's region and
// whether shipping is free — from the shop's shipping policy. The flow's response picks the
// sentences by the topic flags this action sets (the words of each topic are the flows'
// `vocabulary.shipping`); with no topic recognised it answers them all.
// A destination the policy does not cover (abroad) sets `status: not_in_data`, and the flow hands off.

import type { ShippingPolicy, ShippingRegion } from '../commerce/catalog.ts';
import { normaliseForWords, usesAnyWord, usesWord } from '../commerce/vocabulary-words.ts';
import { SHIPPING_TOPICS, vocabularyPart, type ShippingTopic } from '../flows/vocabulary.ts';
import type { Language, LocalText } from '../messages.ts';
import type { ActionDefinition } from './action-types.ts';
import { formatMoney, joinList } from './commerce-wording.ts';

export function findRegion(text: string, policy: ShippingPolicy): ShippingRegion | null {
  const normalised = normaliseForWords(text);
  let best: { region: ShippingRegion; length: number } | null = null;
  for (const region of policy.regions) {
    for (const alias of [...region.aliases, region.name['zh-Hans'], region.name['zh-Hant'], region.name.en]) {
      if (alias.length > (best?.length ?? 0) && usesWord(normalised, alias)) best = { region, length: alias.length };
    }
  }
  return best?.region ?? null;
}

function dayRange([min, max]: [number, number]): string {
  return min === max ? String(min) : `${min}-${max}`;
}

function feeRange(regions: readonly ShippingRegion[], currency: string): string {
  const fees = regions.map((r) => r.fee);
  const [min, max] = [Math.min(...fees), Math.max(...fees)];
  return min === max ? formatMoney(min, currency) : `${formatMoney(min, currency)}-${formatMoney(max, currency)}`;
}

function overview(policy: ShippingPolicy, language: Language, daysUnit: LocalText): string {
  const unit = daysUnit[language];
  const parts = policy.regions.map((r) => `${r.name[language]}${language === 'en' ? ': ' : ''}${dayRange(r.days)}${unit}`);
  // Region names hold commas in English, so the regions are set apart with semicolons.
  return language === 'en' ? `${parts.join('; ')}` : joinList(parts, language);
}

export const shippingAnswer: ActionDefinition = {
  name: 'shipping_answer',
  description:
    'Reads the shipping policy for the buyer\'s question: sets topic flags (topic_dispatch, topic_courier, topic_days, topic_free), cutoff, couriers, region, days, days_overview, threshold, fee, and `status` (answered | not_in_data).',
  outputs: ['status', 'topic_dispatch', 'topic_courier', 'topic_days', 'topic_free', 'cutoff', 'couriers', 'region', 'days', 'days_overview', 'threshold', 'fee'],
  vocabulary: ['shipping'],
  async run({ catalog, language, text, vocabulary }) {
    const words = vocabularyPart(vocabulary, 'shipping');
    const policy = await catalog.shippingPolicy();
    const normalised = normaliseForWords(text);
    const region = findRegion(text, policy);
    if (!region && usesAnyWord(normalised, words.abroad)) return { set: { status: 'not_in_data' } };
    const asked = Object.fromEntries(SHIPPING_TOPICS.map((topic) => [topic, usesAnyWord(normalised, words.topics[topic])])) as Record<ShippingTopic, boolean>;
    // A named place alone ("发上海吗", "to Hong Kong?") asks how long it takes.
    if (region && !asked.free) asked.days = true;
    if (!Object.values(asked).some(Boolean)) for (const topic of SHIPPING_TOPICS) asked[topic] = true;
    return {
      set: {
        status: 'answered',
        ...Object.fromEntries(SHIPPING_TOPICS.map((topic) => [`topic_${topic}`, asked[topic]])),
        cutoff: policy.cutoffTime,
        couriers: joinList(policy.couriers.map((c) => c.name[language]), language),
        region: region?.name[language] ?? null,
        days: region ? dayRange(region.days) : null,
        days_overview: overview(policy, language, words.days_unit),
        threshold: policy.freeShippingThreshold === null ? null : formatMoney(policy.freeShippingThreshold, policy.currency),
        fee: region ? formatMoney(region.fee, policy.currency) : feeRange(policy.regions, policy.currency),
      },
    };
  },
};

export const invoicePolicy: ActionDefinition = {
  name: 'invoice_policy',
  description: 'Sets `status` (available | not_available | not_in_data) and `invoice_how` from the shop\'s invoice policy.',
  outputs: ['status', 'invoice_how'],
  async run({ catalog, language }) {
    const { invoice } = await catalog.shippingPolicy();
    if (!invoice.available) return { set: { status: 'not_available', invoice_how: null } };
    if (!invoice.how) return { set: { status: 'not_in_data', invoice_how: null } };
    return { set: { status: 'available', invoice_how: invoice.how[language] } };
  },
};
