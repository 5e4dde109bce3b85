// shipping_answer: when an order ships, which courier, how many days to the buyer's region and
// whether shipping is free — from the shop's shipping policy. The flow's response picks the
// sentences by the topic flags this action sets; with no topic recognised it answers them all.
// A destination the policy does not cover (abroad) sets `status: not_in_data`, and the flow hands off.

import type { ShippingPolicy, ShippingRegion } from '../commerce/catalog.ts';
import { toSimplified } from '../language/chinese-script.ts';
import type { Language } from '../messages.ts';
import type { ActionDefinition } from './action-types.ts';
import { formatMoney, joinList } from './commerce-wording.ts';

const TOPICS = {
  topic_dispatch: ['发货', '发出', '能发', '几点', '什么时候发', '啥时候发', '当天发', '今天发', '发吗', 'ship today', 'when do you ship', 'when will it ship', 'when will you ship', 'dispatch', 'send it out', 'cut-off', 'cutoff', 'same day'],
  topic_courier: ['快递', '物流公司', '哪家', '顺丰', '中通', '圆通', '韵达', '邮政', 'courier', 'carrier', 'which delivery', 'express', 'ems', 'dhl', 'sf '],
  topic_days: ['几天', '多久', '多长时间', '送达', '到货', '能到', '要几天', 'how long', 'how many days', 'delivery time', 'arrive', 'deliver to', 'ship to', 'get here'],
  topic_free: ['包邮', '运费', '邮费', '免运费', '免邮', 'free shipping', 'shipping fee', 'shipping cost', 'postage', 'delivery fee', 'shipping free', 'free delivery', 'charge for shipping'],
} as const;
type Topic = keyof typeof TOPICS;

/** Places the shop's policy never covers; asking about them goes to a person rather than a guess. */
const ABROAD = ['国外', '海外', '美国', '日本', '韩国', '新加坡', '马来西亚', '英国', '澳洲', '澳大利亚', '加拿大', '欧洲', '德国', '法国', 'abroad', 'overseas', 'international', 'usa', 'the us', 'u.s.', 'united states', 'america', 'uk', 'singapore', 'japan', 'korea', 'australia', 'canada', 'europe', 'germany', 'france', 'malaysia'];

function normalise(text: string): string {
  return ` ${toSimplified(text.normalize('NFKC')).toLowerCase()} `;
}

function mentions(text: string, word: string): boolean {
  const w = toSimplified(word.toLowerCase());
  return /^[a-z ]+$/.test(w.trim()) ? new RegExp(`(?<![a-z])${w.trim()}(?![a-z])`).test(text) : text.includes(w);
}

export function findRegion(text: string, policy: ShippingPolicy): ShippingRegion | null {
  const normalised = normalise(text);
  let best: { region: ShippingRegion; length: number } | null = null;
  for (const region of policy.regions) {
    for (const alias of [...region.aliases, region.name['zh-Hans'], region.name['zh-Hant'], region.name.en]) {
      if (alias.length > (best?.length ?? 0) && mentions(normalised, alias)) best = { region, length: alias.length };
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

function overview(policy: ShippingPolicy, language: Language): string {
  const unit = { 'zh-Hans': '天', 'zh-Hant': '天', en: ' days' }[language];
  const parts = policy.regions.map((r) => `${r.name[language]}${language === 'en' ? ': ' : ''}${dayRange(r.days)}${unit}`);
  // Region names hold commas in English, so the regions are set apart with semicolons.
  return language === 'en' ? `${parts.join('; ')}` : joinList(parts, language);
}

export const shippingAnswer: ActionDefinition = {
  name: 'shipping_answer',
  description:
    'Reads the shipping policy for the buyer\'s question: sets topic flags (topic_dispatch, topic_courier, topic_days, topic_free), cutoff, couriers, region, days, days_overview, threshold, fee, and `status` (answered | not_in_data).',
  outputs: ['status', 'topic_dispatch', 'topic_courier', 'topic_days', 'topic_free', 'cutoff', 'couriers', 'region', 'days', 'days_overview', 'threshold', 'fee'],
  async run({ catalog, language, text }) {
    const policy = await catalog.shippingPolicy();
    const normalised = normalise(text);
    const region = findRegion(text, policy);
    if (!region && ABROAD.some((place) => mentions(normalised, place))) return { set: { status: 'not_in_data' } };
    const topics = Object.fromEntries(
      (Object.keys(TOPICS) as Topic[]).map((topic) => [topic, TOPICS[topic].some((word) => mentions(normalised, word))]),
    ) as Record<Topic, boolean>;
    // A named place alone ("发上海吗", "to Hong Kong?") asks how long it takes.
    if (region && !topics.topic_free) topics.topic_days = true;
    if (!Object.values(topics).some(Boolean)) for (const topic of Object.keys(topics) as Topic[]) topics[topic] = true;
    return {
      set: {
        status: 'answered',
        ...topics,
        cutoff: policy.cutoffTime,
        couriers: joinList(policy.couriers.map((c) => c.name[language]), language),
        region: region?.name[language] ?? null,
        days: region ? dayRange(region.days) : null,
        days_overview: overview(policy, language),
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
