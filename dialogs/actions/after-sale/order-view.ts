// How an order looks to flows: plain values (JSON, so they survive the session store) in the
// buyer's language, for placeholders such as {{order.items}} and conditions such as
// `order.status = 'paid'`; statuses, refund methods and carriers named in the flows' vocabulary.
// Also the small helpers every after-sale action shares.

import { createHash } from 'node:crypto';
import type { AfterSalePolicy } from '../../commerce/after-sale-policy.ts';
import { formatChineseAddress } from '../../commerce/chinese-address.ts';
import type { Order, PostalAddress, Refund } from '../../commerce/orders.ts';
import { wordFor, type Vocabulary, type VocabularyPart } from '../../flows/vocabulary.ts';
import type { Language } from '../../messages.ts';
import type { ActionContext } from '../action-types.ts';

/** The vocabulary an order's view reads: every action that shows an order declares these. */
export const ORDER_VOCABULARY: readonly VocabularyPart[] = ['order_statuses', 'refund_methods', 'carriers'];

const DAY = 86_400_000;

const LOCALES: Record<Language, string> = { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en-GB' };

/** A date and time as the buyer reads it, in the shop's time zone: "1月3日 14:00", "3 Jan, 14:00". */
export function formatTime(at: number, language: Language, timezone: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: timezone }).format(at);
}

export function formatDay(at: number, language: Language, timezone: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { month: 'short', day: 'numeric', timeZone: timezone }).format(at);
}

export function formatMoney(amount: number, currency: string, language: Language): string {
  try {
    return new Intl.NumberFormat(LOCALES[language], { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

/** A carrier by the shop's name for it; a carrier the vocabulary does not name shows its code. */
export function carrierName(code: string | undefined, language: Language, vocabulary: Vocabulary): string {
  if (!code) return '';
  return vocabulary.carriers?.[code]?.[language] ?? code.toUpperCase();
}

export function statusLabel(status: string, language: Language, vocabulary: Vocabulary): string {
  return wordFor(vocabulary.order_statuses, status, language);
}

/** "加绒连帽卫衣 ×1, 芒果干 108g ×3" */
export function itemsText(order: Order, language: Language): string {
  return order.lines.map((l) => `${l.name[language]} ×${l.quantity}`).join(language === 'en' ? ', ' : '、');
}

/** The address on one line, with recipient and phone (shown only to the buyer who owns it). */
export function addressText(address: PostalAddress): string {
  const where = address.country === 'CN'
    ? formatChineseAddress(address)
    : [address.street, address.city, address.province, address.postcode, address.country].filter(Boolean).join(', ');
  // A Chinese mobile reads as buyers write it (13812345678); other numbers keep their country code.
  const phone = address.country === 'CN' && address.phone.startsWith('+86') ? address.phone.slice(3) : address.phone;
  return `${where} ${address.recipient} ${phone}`.trim();
}

export function returnDeadline(order: Order, policy: AfterSalePolicy): number | null {
  return order.deliveredAt === undefined ? null : order.deliveredAt + policy.returnWindowDays * DAY;
}

type RefundState = 'none' | 'awaiting_return' | 'return_in_transit' | 'processing' | 'issued' | 'late' | 'received' | 'rejected';

function refundState(order: Order, now: number): RefundState {
  const refund: Refund | undefined = order.refund;
  if (!refund) {
    if (order.returnRequest?.status === 'awaiting_parcel') return 'awaiting_return';
    if (order.returnRequest?.status === 'parcel_sent' || order.returnRequest?.status === 'received') return 'return_in_transit';
    return 'none';
  }
  if (refund.status === 'issued' && refund.expectedBy !== undefined && refund.expectedBy < now) return 'late';
  return refund.status;
}

/** An order as flows see it. */
export function orderView(order: Order, context: ActionContext): Record<string, unknown> {
  const { language, afterSale, now, vocabulary } = context;
  const methods = vocabulary.refund_methods ?? {};
  const deadline = returnDeadline(order, afterSale);
  const refund = order.refund;
  const expected = refund?.expectedBy ?? (refund?.issuedAt !== undefined ? refund.issuedAt + afterSale.refundArrivalDays * DAY : undefined);
  return {
    id: order.id,
    short_id: order.id.slice(-4),
    status: order.status,
    status_label: statusLabel(order.status, language, vocabulary),
    items: itemsText(order, language),
    total: formatMoney(order.total, order.currency, language),
    country: order.address.country,
    address: addressText(order.address),
    carrier: order.shipment?.carrier ?? null,
    carrier_name: carrierName(order.shipment?.carrier, language, vocabulary),
    tracking_number: order.shipment?.trackingNumber ?? null,
    pay_url: order.payUrl ?? null,
    return_open: deadline !== null && now <= deadline,
    return_deadline: deadline !== null ? formatDay(deadline, language, afterSale.timezone) : null,
    has_return: Boolean(order.returnRequest),
    return_status: order.returnRequest?.status ?? null,
    return_tracking: order.returnRequest?.trackingNumber ?? null,
    return_carrier_name: carrierName(order.returnRequest?.carrier, language, vocabulary),
    refund_state: refundState(order, now),
    refund_amount: refund ? formatMoney(refund.amount, refund.currency, language) : null,
    refund_method: refund ? (methods[refund.method ?? '']?.[language] ?? wordFor(methods, 'original', language)) : null,
    refund_issued: refund?.issuedAt !== undefined ? formatDay(refund.issuedAt, language, afterSale.timezone) : null,
    refund_expected: expected !== undefined ? formatDay(expected, language, afterSale.timezone) : null,
  };
}

/** The button title for an order among several: "…0002 加绒连帽卫衣 · 待发货". */
export function orderButtonTitle(order: Order, language: Language, vocabulary: Vocabulary): string {
  const first = order.lines[0]?.name[language] ?? '';
  const more = order.lines.length > 1 ? (language === 'en' ? ' +' : '等') : '';
  return `…${order.id.slice(-4)} ${first}${more} · ${statusLabel(order.status, language, vocabulary)}`;
}

/** A stable key for one change a buyer asked for, so a retried turn applies it once. */
export function changeKey(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/** "kefu-bot for webchat:abc": who the audit trail says asked. */
export function actorOf(context: ActionContext): string {
  return `kefu-bot for ${context.conversation.channel}:${context.conversation.conversationId}`;
}

export function stringSlot(context: ActionContext, name: string): string | null {
  const value = context.slots[name] ?? context.args[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
