// The address change: read the new address (Chinese addresses from free text, others from their
// parts), apply it once, or — when the parcel has left — ask the warehouse to intercept it.

import type { CountryCode } from 'libphonenumber-js';
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { parseChineseAddress, type AddressPart } from '../../commerce/chinese-address.ts';
import type { PostalAddress } from '../../commerce/orders.ts';
import type { LocalText } from '../../messages.ts';
import type { ActionContext, ActionDefinition } from '../action-types.ts';
import { actorOf, addressText, changeKey, ORDER_VOCABULARY, orderView, stringSlot } from './order-view.ts';

const PART_NAMES: Record<AddressPart, LocalText> = {
  province: { 'zh-Hans': '省份', 'zh-Hant': '省份', en: 'province' },
  city: { 'zh-Hans': '城市', 'zh-Hant': '城市', en: 'city' },
  district: { 'zh-Hans': '区县', 'zh-Hant': '區縣', en: 'district' },
  street: { 'zh-Hans': '详细地址(街道门牌)', 'zh-Hant': '詳細地址(街道門牌)', en: 'street and number' },
  recipient: { 'zh-Hans': '收件人姓名', 'zh-Hant': '收件人姓名', en: "recipient's name" },
  phone: { 'zh-Hans': '手机号', 'zh-Hant': '手機號', en: 'phone number' },
};

function orderCountry(context: ActionContext): string {
  const order = context.slots.order as { country?: string } | undefined;
  return order?.country ?? 'CN';
}

function missingText(parts: AddressPart[], context: ActionContext): string {
  return parts.map((p) => PART_NAMES[p][context.language]).join(context.language === 'en' ? ', ' : '、');
}

function addressKey(context: ActionContext, address: PostalAddress): string {
  return changeKey('address', context.conversation.channel, context.conversation.conversationId, context.slots.order_id, address, context.now);
}

export const readAddress: ActionDefinition = {
  name: 'read_address',
  description:
    'Reads a Chinese address from `text` (plus `more`, a later answer with the missing parts; without arguments, ' +
    'from this message). Sets address_state ' +
    '(ok, incomplete, bad_phone, none), new_address, new_address_text, address_missing and change_key.',
  outputs: ['address_state', 'new_address', 'new_address_text', 'address_missing', 'change_key'],
  async run(context) {
    // Without arguments: this message (an address given together with the request). A later answer
    // is joined with a full-width comma, so its phone number never runs into a number before it.
    const given = 'text' in context.args ? [context.args.text, context.args.more] : [context.text];
    const text = given.filter((t) => typeof t === 'string' && t.trim()).join('，');
    const parsed = parseChineseAddress(text, 'CN');
    const anything = parsed.province || parsed.city || parsed.district || parsed.phone || parsed.badPhone;
    if (!anything) return { set: { address_state: 'none', address_missing: missingText(parsed.missing, context) } };
    if (parsed.badPhone && !parsed.phone) {
      return { set: { address_state: 'bad_phone', address_missing: missingText(parsed.missing, context) } };
    }
    if (parsed.missing.length > 0) return { set: { address_state: 'incomplete', address_missing: missingText(parsed.missing, context) } };
    const address: PostalAddress = {
      country: 'CN',
      province: parsed.province!,
      city: parsed.city!,
      district: parsed.district!,
      street: parsed.street!,
      recipient: parsed.recipient!,
      phone: parsed.phone!,
    };
    return {
      set: { address_state: 'ok', new_address: address, new_address_text: addressText(address), address_missing: '', change_key: addressKey(context, address) },
    };
  },
};

export const readPartsAddress: ActionDefinition = {
  name: 'read_address_parts',
  description:
    'Builds an address abroad (the order\'s country) from slots street, city, postcode, recipient and phone. Sets ' +
    'address_state (ok, bad_phone, incomplete), new_address, new_address_text and change_key.',
  outputs: ['address_state', 'new_address', 'new_address_text', 'address_missing', 'change_key'],
  async run(context) {
    const country = orderCountry(context);
    const street = stringSlot(context, 'street');
    const city = stringSlot(context, 'city');
    const postcode = stringSlot(context, 'postcode');
    const recipient = stringSlot(context, 'recipient');
    const phoneText = stringSlot(context, 'phone');
    const missing: AddressPart[] = [];
    if (!street) missing.push('street');
    if (!city) missing.push('city');
    if (!recipient) missing.push('recipient');
    if (missing.length > 0) return { set: { address_state: 'incomplete', address_missing: missingText(missing, context) } };
    const region = isSupportedCountry(country) ? (country as CountryCode) : undefined;
    const phone = phoneText ? parsePhoneNumberFromString(phoneText, region) : undefined;
    if (!phone?.isValid() || (region && phone.country && phone.country !== region)) {
      return { set: { address_state: 'bad_phone', address_missing: missingText(['phone'], context) } };
    }
    const address: PostalAddress = { country, street: street!, city: city!, ...(postcode ? { postcode } : {}), recipient: recipient!, phone: phone.number };
    return { set: { address_state: 'ok', new_address: address, new_address_text: addressText(address), address_missing: '', change_key: addressKey(context, address) } };
  },
};

export const changeAddress: ActionDefinition = {
  name: 'change_address',
  description:
    'Applies new_address to order_id once per change_key (the audit trail records it). Sets change_state ' +
    '(applied, shipped, not_allowed, not_found, unavailable) and order.',
  outputs: ['change_state', 'order'],
  vocabulary: ORDER_VOCABULARY,
  async run(context) {
    const orderId = stringSlot(context, 'order_id');
    const address = context.slots.new_address as PostalAddress | undefined;
    const key = stringSlot(context, 'change_key');
    if (!orderId || !address || !key) return { set: { change_state: 'not_allowed' } };
    try {
      const result = await context.orders.changeAddress(orderId, address, { idempotencyKey: key, actor: actorOf(context), at: context.now });
      // Applied now or by an earlier attempt of this same request: the buyer hears the same.
      const state = result.outcome === 'already_applied' ? 'applied'
        : result.outcome === 'not_allowed' && result.order && ['shipped', 'delivered'].includes(result.order.status) ? 'shipped'
        : result.outcome;
      if (state === 'applied') context.logger.info({ orderId, conversation: context.conversation.conversationId }, 'address change applied');
      return { set: { change_state: state, ...(result.order ? { order: orderView(result.order, context) } : {}) } };
    } catch (error) {
      context.logger.warn({ err: (error as Error).message, action: 'change_address' }, 'orders backend unavailable');
      return { set: { change_state: 'unavailable' } };
    }
  },
};

export const requestInterception: ActionDefinition = {
  name: 'request_interception',
  description: 'Asks the warehouse to intercept the shipped order_id (with new_address when given). Sets interception_state.',
  outputs: ['interception_state'],
  async run(context) {
    const orderId = stringSlot(context, 'order_id');
    if (!orderId) return { set: { interception_state: 'not_found' } };
    const address = context.slots.new_address as PostalAddress | undefined;
    try {
      const result = await context.orders.requestInterception(orderId, {
        idempotencyKey: changeKey('intercept', context.conversation.channel, context.conversation.conversationId, orderId, address ?? null),
        actor: actorOf(context),
        at: context.now,
        note: address ? 'buyer asks to deliver to a new address' : 'buyer asks to stop the parcel',
        ...(address ? { newAddress: address } : {}),
      });
      return { set: { interception_state: result.outcome === 'already_applied' ? 'applied' : result.outcome } };
    } catch (error) {
      context.logger.warn({ err: (error as Error).message, action: 'request_interception' }, 'orders backend unavailable');
      return { set: { interception_state: 'unavailable' } };
    }
  },
};
