// Which number of a message goes to which `number`, `length` or `weight` slot of a flow. One message
// may carry several ("身高170体重60", "height 170 weight 60", "我175 140斤", "168/50"), in any order,
// with or without hint words. The slots are filled together, so that each number goes to one slot
// only and a hint word belongs to the number it stands next to, not to every number within reach:
//
//   1. Hint words. Each occurrence of a slot's hint binds to the nearest number it stands right
//      before ("身高170", "height: about 170") or, failing that, right after ("170 tall"), with only
//      filler words between ("是", "大概", "about"). A number bound by one slot's hint is that slot's.
//   2. Units. A `length` or `weight` slot takes the number with its kind of unit ("140斤", "5'8\"").
//   3. The question just asked takes the first number left (any unit that does not clash).
//   4. A flow with one `length` and one `weight` slot asks for a person's height and weight: bare
//      numbers left over go to them by plausibility ("170 60", "60 170", "我168 体重50").
//
// A bare weight is read in its likely unit (body-measurements.ts): 140 from a 175 cm buyer is 140 斤.

import type { SlotDefinition } from '../flows/flow-types.ts';
import type { Language } from '../messages.ts';
import { toSimplified } from '../language/chinese-script.ts';
import type { Entity, QuantityEntity } from '../understanding/entities.ts';
import { bareLengthInCentimetres, bareWeightInKilograms, plausibleHeight, plausibleWeight } from './body-measurements.ts';

/** What the quantity reader needs of a message. */
export interface QuantityMessage {
  text: string;
  entities: Entity[];
  /** The conversation's language: a bare 120 is 斤 in Chinese and lb in English. */
  language?: Language;
}

type QuantitySlotType = 'number' | 'length' | 'weight';

export function isQuantitySlot(slot: SlotDefinition): slot is SlotDefinition & { type: QuantitySlotType } {
  return slot.type === 'number' || slot.type === 'length' || slot.type === 'weight';
}

// Words that may stand between a hint and its number without breaking the link, longest first.
const FILLERS = [
  'approximately', 'roughly', 'around', 'about', 'approx', 'maybe', 'nearly', 'almost', 'just', 'like', 'only', 'is', 'of', 'am', 'im',
  '差不多', '大概是', '大约是', '大概', '大约', '大約', '将近', '左右', '只有', '已经', '差点', '约', '是', '有', '在', '才', '都', '快', '我', '的', '也', '就',
].sort((a, b) => b.length - a.length);
// An English filler is taken out as a whole word; its pattern is built once (a global RegExp used
// by replace() starts from the beginning each time, so sharing it is safe).
const FILLER_PATTERNS: readonly { filler: string; word: RegExp | null }[] = FILLERS.map((filler) => ({
  filler,
  word: isLatinLetter(filler[0]) ? new RegExp(`(?<![a-z])${filler}(?![a-z])`, 'g') : null,
}));
/** Non-filler characters a hint and its number may still have between them ("体重目前60"). */
const MAX_GAP_CHARACTERS = 2;
/** However much filler: past this a hint is about something else. */
const MAX_GAP_LENGTH = 14;

// A number right before these is a price, a count, a size or an age, not a body measurement.
const NOT_A_MEASUREMENT_AFTER = /^\s*(?:元|块|塊|件|个|個|码|碼|号|號|岁|歲|天|次|条|條|双|雙|年|月|日|号码|%|折|yuan|rmb|pcs|pieces|items|years|yrs|days)/i;
const NOT_A_MEASUREMENT_BEFORE = /(?:[¥$￥#]|size|尺码|尺碼|码数|碼數)\s*$/i;

interface HintOccurrence {
  slot: string;
  start: number;
  end: number;
}

/** The text lower-cased and in Simplified script, offset for offset with the original (or null when that cannot be had). */
function alignedNormalised(text: string): string | null {
  const lowered = text.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).toLowerCase();
  const simplified = toSimplified(lowered);
  return simplified.length === lowered.length && lowered.length === text.length ? simplified : null;
}

function isLatinLetter(ch: string | undefined): boolean {
  return ch !== undefined && /[a-z]/i.test(ch);
}

// A slot's hints as messages are compared with them, worked out once per slot definition: they do
// not change until the flows reload, which builds new definitions.
const hintsBySlot = new WeakMap<SlotDefinition, readonly { hint: string; latin: boolean }[]>();

function normalisedHints(slot: SlotDefinition): readonly { hint: string; latin: boolean }[] {
  let hints = hintsBySlot.get(slot);
  if (hints === undefined) {
    hints = (slot.hints ?? [])
      .map((raw) => toSimplified(raw.normalize('NFKC')).toLowerCase().trim())
      .filter((hint) => hint.length > 0)
      .map((hint) => ({ hint, latin: isLatinLetter(hint[0]) }));
    hintsBySlot.set(slot, hints);
  }
  return hints;
}

function findHints(normalised: string, slots: readonly (readonly [string, SlotDefinition])[]): HintOccurrence[] {
  const found: HintOccurrence[] = [];
  for (const [name, slot] of slots) {
    for (const { hint, latin } of normalisedHints(slot)) {
      for (let at = normalised.indexOf(hint); at !== -1; at = normalised.indexOf(hint, at + 1)) {
        // An English hint starts a word: "weigh" in "weight" is fine, "eight" in "height" is not.
        if (latin && isLatinLetter(normalised[at - 1])) continue;
        found.push({ slot: name, start: at, end: at + hint.length });
      }
    }
  }
  return found;
}

/** How many characters of a gap are not filler, or Infinity when the gap cannot link a hint to a number. */
function gapWeight(gap: string): number {
  if (gap.length > MAX_GAP_LENGTH || /\d/.test(gap)) return Infinity;
  let rest = gap.replace(/[\s:：=~～,，'’"]+/g, ' ');
  for (const { filler, word } of FILLER_PATTERNS) {
    rest = word ? rest.replace(word, ' ') : rest.split(filler).join(' ');
  }
  const left = rest.replace(/\s+/g, '').length;
  return left <= MAX_GAP_CHARACTERS ? left : Infinity;
}

/**
 * Which slot's hint each number is bound to. A hint binds forward (to the number after it) when it
 * can, else backward; a number claimed by hints of two slots goes to the closer one.
 */
function bindHints(normalised: string, quantities: readonly QuantityEntity[], slots: readonly (readonly [string, SlotDefinition])[]): Map<QuantityEntity, string> {
  const best = new Map<QuantityEntity, { slot: string; distance: number }>();
  const offer = (q: QuantityEntity, slot: string, distance: number) => {
    const current = best.get(q);
    if (!current || distance < current.distance) best.set(q, { slot, distance });
  };
  for (const hint of findHints(normalised, slots)) {
    // A hint inside the number's own text ("140斤" for a slot hinted by 斤) is that number's.
    const inside = quantities.find((q) => hint.start >= q.start && hint.end <= q.end);
    if (inside) {
      offer(inside, hint.slot, -1);
      continue;
    }
    const next = quantities.find((q) => q.start >= hint.end);
    const forward = next ? gapWeight(normalised.slice(hint.end, next.start)) : Infinity;
    if (next && forward !== Infinity) {
      offer(next, hint.slot, forward);
      continue;
    }
    const previous = quantities.findLast((q) => q.end <= hint.start);
    const backward = previous ? gapWeight(normalised.slice(previous.end, hint.start)) : Infinity;
    // Backward links count a little further away, so "身高170 体重60" binds 体重 to 60, not 170.
    if (previous && backward !== Infinity) offer(previous, hint.slot, backward + 0.5);
  }
  return new Map([...best].map(([q, { slot }]) => [q, slot]));
}

/** For the rare message whose normalisation shifts offsets (a ligature, a phrase conversion): a hint word right before the number. */
function bindHintsUnaligned(text: string, quantities: readonly QuantityEntity[], slots: readonly (readonly [string, SlotDefinition])[]): Map<QuantityEntity, string> {
  const bound = new Map<QuantityEntity, string>();
  for (const q of quantities) {
    const window = toSimplified(text.slice(Math.max(0, q.start - MAX_GAP_LENGTH), q.start).normalize('NFKC')).toLowerCase();
    const tail = /[\p{L}]+[\s:：]*$/u.exec(window)?.[0] ?? '';
    const owner = slots.find(([, slot]) => (slot.hints ?? []).some((h) => tail.includes(toSimplified(h.normalize('NFKC')).toLowerCase())));
    if (owner) bound.set(q, owner[0]);
  }
  return bound;
}

function dimensionOf(type: QuantitySlotType): 'length' | 'mass' | null {
  return type === 'length' ? 'length' : type === 'weight' ? 'mass' : null;
}

function looksLikeMeasurement(text: string, q: QuantityEntity): boolean {
  if (q.dimension !== null) return true;
  return !NOT_A_MEASUREMENT_AFTER.test(text.slice(q.end, q.end + 8)) && !NOT_A_MEASUREMENT_BEFORE.test(text.slice(Math.max(0, q.start - 8), q.start));
}

/**
 * Values for the flow's number, length and weight slots that this message gives. `slots` is every
 * slot of the flow; `filled` the values it already has (those slots are not filled again, except
 * the `asked` one). Lengths come out in centimetres and weights in kilograms.
 */
export function readQuantitySlots(
  slots: Readonly<Record<string, SlotDefinition>>,
  message: QuantityMessage,
  asked: string | null,
  filled: Readonly<Record<string, unknown>>,
): Map<string, number> {
  const values = new Map<string, number>();
  const quantities = message.entities.filter((e): e is QuantityEntity => e.type === 'quantity');
  if (quantities.length === 0) return values;
  const all = Object.entries(slots).filter(([, s]) => isQuantitySlot(s)) as [string, SlotDefinition & { type: QuantitySlotType }][];
  // The asked slot chooses first.
  all.sort(([a], [b]) => Number(b === asked) - Number(a === asked));
  const open = all.filter(([name]) => filled[name] === undefined || name === asked);
  if (open.length === 0) return values;

  const language = message.language ?? 'zh-Hans';
  const normalised = alignedNormalised(message.text);
  const bindings = normalised === null ? bindHintsUnaligned(message.text, quantities, all) : bindHints(normalised, quantities, all);
  const taken = new Set<QuantityEntity>();
  const free = (q: QuantityEntity) => !taken.has(q);
  const knownHeight = (): number | undefined => {
    const height = all.find(([, s]) => s.type === 'length');
    const value = height ? values.get(height[0]) ?? filled[height[0]] : undefined;
    return typeof value === 'number' ? value : undefined;
  };
  const read = (type: QuantitySlotType, q: QuantityEntity): number => {
    if (q.dimension !== null) return q.value;
    if (type === 'length') return bareLengthInCentimetres(q.value);
    if (type === 'weight') return bareWeightInKilograms(q.value, language, knownHeight());
    return q.value;
  };
  const use = (name: string, type: QuantitySlotType, q: QuantityEntity) => {
    taken.add(q);
    values.set(name, read(type, q));
  };
  const clashes = (type: QuantitySlotType, q: QuantityEntity) => {
    const dimension = dimensionOf(type);
    return dimension !== null && q.dimension !== null && q.dimension !== dimension;
  };
  const isOpen = (name: string) => !values.has(name);

  // 1. Hint words.
  for (const [name, slot] of open) {
    const q = quantities.find((x) => free(x) && bindings.get(x) === name && !clashes(slot.type, x));
    if (q) use(name, slot.type, q);
  }
  // 2. Units: the only number with the slot's kind of unit that no other slot's hint claims.
  for (const [name, slot] of open) {
    const dimension = dimensionOf(slot.type);
    if (!isOpen(name) || dimension === null) continue;
    const withUnit = quantities.filter((q) => free(q) && q.dimension === dimension && (bindings.get(q) ?? name) === name);
    if (withUnit.length === 1 || (withUnit.length > 1 && (slot.hints ?? []).length === 0)) use(name, slot.type, withUnit[0]!);
  }
  // 4 before 3 when both body slots are open and the buyer gave two bare numbers ("170 60" when asked for the height).
  const height = all.filter(([, s]) => s.type === 'length');
  const weight = all.filter(([, s]) => s.type === 'weight');
  const body = height.length === 1 && weight.length === 1 ? { height: height[0]!, weight: weight[0]! } : null;
  const bare = () => quantities.filter((q) => free(q) && q.dimension === null && !bindings.has(q) && looksLikeMeasurement(message.text, q));
  const bodyOpen = (entry: [string, SlotDefinition & { type: QuantitySlotType }]) => open.includes(entry) && isOpen(entry[0]);
  if (body && bodyOpen(body.height) && bodyOpen(body.weight) && bare().length >= 2) fillBodyPair(body, bare(), use, language);

  // 3. The slot just asked: the first number left whose unit does not clash and that no other slot's hint claims.
  if (asked !== null && isOpen(asked)) {
    const slot = open.find(([name]) => name === asked)?.[1];
    const q = slot && quantities.find((x) => free(x) && !clashes(slot.type, x) && (bindings.get(x) ?? asked) === asked);
    if (slot && q) use(asked, slot.type, q);
  }
  // 4. A person's height and weight, by plausibility.
  if (body) {
    if (bodyOpen(body.height)) {
      const q = bare().find((x) => plausibleHeight(bareLengthInCentimetres(x.value)));
      if (q) use(body.height[0], 'length', q);
    }
    if (bodyOpen(body.weight)) {
      const q = bare().find((x) => plausibleWeight(bareWeightInKilograms(x.value, language, knownHeight()), knownHeight()));
      if (q) use(body.weight[0], 'weight', q);
    }
  }
  return values;
}

/** Two bare numbers for height and weight: in the order written when that is plausible, else the other way round. */
function fillBodyPair(
  body: { height: [string, SlotDefinition]; weight: [string, SlotDefinition] },
  bare: QuantityEntity[],
  use: (name: string, type: QuantitySlotType, q: QuantityEntity) => void,
  language: Language,
): void {
  for (let i = 0; i < bare.length; i++) {
    for (let j = i + 1; j < bare.length; j++) {
      for (const [h, w] of [[bare[i]!, bare[j]!], [bare[j]!, bare[i]!]] as const) {
        const cm = bareLengthInCentimetres(h.value);
        if (!plausibleHeight(cm) || !plausibleWeight(bareWeightInKilograms(w.value, language, cm), cm)) continue;
        use(body.height[0], 'length', h);
        use(body.weight[0], 'weight', w);
        return;
      }
    }
  }
}
