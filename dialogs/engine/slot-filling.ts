// Reads slot values out of a buyer's message. One message may fill several slots
// ("身高170体重60" fills height and weight); a bare number only fills a slot when the number sits
// next to one of the slot's hint words, or when the bot just asked for that very slot.

import type { SlotDefinition } from '../flows/flow-types.ts';
import { toSimplified } from '../language/chinese-script.ts';
import type { Entity, QuantityEntity } from '../understanding/entities.ts';

/** How far (in characters) a hint word may be from its number: "身高是170", "170 cm tall". */
const HINT_DISTANCE = 6;

const YES = ['是', '是的', '对', '对的', '好', '好的', '可以', '行', '嗯', '确认', '没问题', '要', '要的', '需要', '当然', 'yes', 'yep', 'yeah', 'ok', 'okay', 'sure', 'confirm', 'correct', 'y'];
const NO = ['不', '不是', '不对', '不要', '不用', '否', '没有', '别', 'no', 'nope', 'not', 'n', 'wrong'];

export function normaliseForMatching(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase().trim();
}

export interface MessageForSlots {
  text: string;
  /** normaliseForMatching(text), computed once per message. */
  normalised: string;
  entities: Entity[];
}

function quantities(message: MessageForSlots): QuantityEntity[] {
  return message.entities.filter((e): e is QuantityEntity => e.type === 'quantity');
}

function dimensionOf(type: SlotDefinition['type']): 'length' | 'mass' | null {
  return type === 'length' ? 'length' : type === 'weight' ? 'mass' : null;
}

/** Whether one of the hint words stands right before or right after the entity. */
function hintedBy(message: MessageForSlots, entity: QuantityEntity, hints: readonly string[]): boolean {
  const before = normaliseForMatching(message.text.slice(Math.max(0, entity.start - HINT_DISTANCE), entity.start));
  const after = normaliseForMatching(message.text.slice(entity.end, entity.end + HINT_DISTANCE));
  return hints.some((hint) => {
    const h = normaliseForMatching(hint);
    return h.length > 0 && (before.includes(h) || after.includes(h));
  });
}

/** A bare number read in the unit a buyer most likely meant for this kind of slot. */
function interpretBare(type: SlotDefinition['type'], value: number): number {
  // People give heights in metres (1.7) or centimetres (170); never in metres above 3.
  if (type === 'length' && value > 0 && value < 3) return Math.round(value * 1000) / 10;
  return value;
}

function quantityFor(slot: SlotDefinition, message: MessageForSlots, asked: boolean, taken: Set<QuantityEntity>): number | null {
  const dimension = dimensionOf(slot.type);
  const free = quantities(message).filter((q) => !taken.has(q));
  const hints = slot.hints ?? [];
  const pick = (q: QuantityEntity): number => {
    taken.add(q);
    return q.dimension === null ? interpretBare(slot.type, q.value) : q.value;
  };
  // 1. A number with the slot's unit or next to its hint word.
  for (const q of free) {
    const unitFits = dimension !== null && q.dimension === dimension;
    const unitClashes = dimension !== null && q.dimension !== null && q.dimension !== dimension;
    if (unitClashes) continue;
    if (hints.length > 0 && hintedBy(message, q, hints)) return pick(q);
    if (unitFits && hints.length === 0) return pick(q);
  }
  // 2. With hints, a number with the right unit but no hint still fits if it is the only one.
  const withUnit = free.filter((q) => dimension !== null && q.dimension === dimension);
  if (withUnit.length === 1 && hints.length > 0) return pick(withUnit[0]!);
  // 3. The bot asked for this slot: the first number without a clashing unit answers it.
  if (asked) {
    const answer = free.find((q) => q.dimension === null || q.dimension === dimension || dimension === null);
    if (answer) return pick(answer);
  }
  return null;
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
  const words = message.normalised.replace(/[!！。.,，?？~～]/g, ' ').trim();
  if (NO.some((w) => words === w || words.startsWith(`${w} `) || (/^\p{Script=Han}/u.test(w) && words.startsWith(w)))) return false;
  if (YES.some((w) => words === w || words.startsWith(`${w} `) || (/^\p{Script=Han}/u.test(w) && words.startsWith(w)))) return true;
  return null;
}

/**
 * The value for `slot` in this message, or null. `asked` says whether the bot's last question
 * was for this slot (then looser readings apply: a bare number, any text).
 * `taken` collects the entities already used by other slots of the same message.
 */
export function readSlotValue(
  slot: SlotDefinition,
  message: MessageForSlots,
  asked: boolean,
  taken: Set<QuantityEntity> = new Set(),
): unknown {
  switch (slot.type) {
    case 'length':
    case 'weight':
    case 'number':
      return quantityFor(slot, message, asked, taken);
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
  }
}
