// Turns a named response of the flow set into a Reply in the buyer's language: picks a variation,
// fills its placeholders, localises buttons and cards.

import type { ResponseVariation, SlotDefinition } from '../flows/flow-types.ts';
import { renderTemplate } from '../flows/templates.ts';
import type { Button, Language, LocalText, Reply } from '../messages.ts';

/** FNV-1a: a cheap, stable hash, so a variation choice is the same on every server process. */
function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Picks a variation: stable for a given conversation turn (a retried delivery gets the same
 * words) but varied across turns and conversations, so the bot does not sound canned.
 */
export function pickVariation(variations: readonly ResponseVariation[], seed: string): ResponseVariation {
  return variations[stableHash(seed) % variations.length]!;
}

export function renderVariation(variation: ResponseVariation, language: Language, view: Record<string, unknown>): Reply {
  const reply: Reply = { text: renderTemplate(variation.text[language], view) };
  if (variation.buttons?.length) {
    // Payloads may carry the flow's values ('/return_refund{"order_id": "{{order.id}}"}'); a prefilled
    // value is checked like a typed one when the button is pressed.
    reply.buttons = variation.buttons.map((b) => ({ title: renderTemplate(b.title[language], view), payload: renderTemplate(b.payload, view) }));
  }
  if (variation.card) {
    const card = variation.card;
    reply.card = {
      title: renderTemplate(card.title[language], view),
      ...(card.subtitle ? { subtitle: renderTemplate(card.subtitle[language], view) } : {}),
      ...(card.image ? { imageUrl: renderTemplate(card.image, view) } : {}),
      ...(card.url ? { url: renderTemplate(card.url, view) } : {}),
    };
  }
  return reply;
}

/** Buttons offered with a question for an enum or yes/no slot, so the buyer can just tap. */
export function slotButtons(slot: SlotDefinition, language: Language): Button[] {
  if (slot.type === 'enum') return (slot.values ?? []).map((v) => ({ title: v.label[language], payload: v.id }));
  if (slot.type === 'yes_no') {
    const yes: LocalText = { 'zh-Hans': '是', 'zh-Hant': '是', en: 'Yes' };
    const no: LocalText = { 'zh-Hans': '否', 'zh-Hant': '否', en: 'No' };
    return [
      { title: yes[language], payload: 'yes' },
      { title: no[language], payload: 'no' },
    ];
  }
  return [];
}
