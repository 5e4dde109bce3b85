// Reads slot values out of a buyer's message. One message may fill several slots
// ("身高170体重60" fills height and weight); numbers are shared out among the number, length and
// weight slots together (quantity-slots.ts), the other types are read one by one.

import type { SlotDefinition } from '../flows/flow-types.ts';
import { toSimplified } from '../language/chinese-script.ts';
import type { Language } from '../messages.ts';
import type { Entity } from '../understanding/entities.ts';
import { isQuantitySlot, readQuantitySlots } from './quantity-slots.ts';
import { readYesNo } from './short-replies.ts';

export function normaliseForMatching(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase().trim();
}

export interface MessageForSlots {
  text: string;
  /** normaliseForMatching(text), computed once per message. */
  normalised: string;
  entities: Entity[];
  /** The conversation's language (a bare weight of 120 is 斤 in Chinese, lb in English). */
  language?: Language;
  /** What the bot last said, so that echoing its question answers it ("取消吧" to "确认要取消吗?"). */
  question?: string;
}

/** One way a buyer may name an enum value, normalised once. */
interface EnumName {
  id: string;
  normalised: string;
  /** For Latin names: matches the name as a whole word ("s" must not match "size"); Chinese has no spaces. */
  wholeWord: RegExp | null;
}

// Normalising every name of every value on every message (OpenCC conversion included) was a hot
// spot; slot definitions do not change until the flows reload, which replaces the objects.
const enumNamesBySlot = new WeakMap<SlotDefinition, EnumName[]>();

function enumNames(slot: SlotDefinition): EnumName[] {
  let names = enumNamesBySlot.get(slot);
  if (!names) {
    names = [];
    for (const value of slot.values ?? []) {
      for (const name of [value.id, value.label['zh-Hans'], value.label['zh-Hant'], value.label.en, ...(value.synonyms ?? [])]) {
        const normalised = normaliseForMatching(name);
        if (normalised.length === 0) continue;
        const wholeWord = /^[\x20-\x7e]+$/.test(normalised)
          ? new RegExp(`(^|[^a-z0-9])${normalised.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`)
          : null;
        names.push({ id: value.id, normalised, wholeWord });
      }
    }
    enumNamesBySlot.set(slot, names);
  }
  return names;
}

function enumValueFor(slot: SlotDefinition, message: MessageForSlots): string | null {
  let best: { id: string; length: number } | null = null;
  for (const { id, normalised, wholeWord } of enumNames(slot)) {
    const found = wholeWord ? wholeWord.test(message.normalised) : message.normalised.includes(normalised);
    if (found && (!best || normalised.length > best.length)) best = { id, length: normalised.length };
  }
  return best?.id ?? null;
}

function yesNoFor(message: MessageForSlots): boolean | null {
  const answer = readYesNo(message.text, message.question);
  return answer === null ? null : answer === 'yes';
}

/**
 * The values this message gives for the flow's slots, by slot name. `asked` is the slot the bot's
 * last question was for (looser readings apply to it: a bare number, any text, yes or no);
 * `filled` holds the values the flow has, whose slots are not read again (except the asked one).
 */
export function readSlotValues(
  slots: Readonly<Record<string, SlotDefinition>>,
  message: MessageForSlots,
  asked: string | null,
  filled: Readonly<Record<string, unknown>>,
): Map<string, unknown> {
  const values = new Map<string, unknown>();
  if (message.text === '') return values;
  for (const [name, value] of readQuantitySlots(slots, message, asked, filled)) values.set(name, value);
  for (const [name, slot] of Object.entries(slots)) {
    if (isQuantitySlot(slot) || (filled[name] !== undefined && name !== asked)) continue;
    const value = readOtherSlot(slot, message, name === asked);
    if (value !== null) values.set(name, value);
  }
  return values;
}

function readOtherSlot(slot: SlotDefinition, message: MessageForSlots, asked: boolean): unknown {
  switch (slot.type) {
    case 'enum':
      return enumValueFor(slot, message);
    case 'yes_no':
      return asked ? yesNoFor(message) : null;
    case 'phone': {
      const phone = message.entities.find((e) => e.type === 'phone');
      return phone && phone.type === 'phone' ? phone.e164 : null;
    }
    case 'order_id': {
      const order = message.entities.find((e) => e.type === 'order_id');
      return order && order.type === 'order_id' ? order.value : null;
    }
    case 'text': {
      const text = message.text.trim();
      return asked && text.length > 0 ? text : null;
    }
    default:
      return null;
  }
}
