// A card a platform cannot show natively (no product or order behind it) becomes plain lines.

import type { Card } from '../../../dialogs/messages.ts';

export function cardAsText(card: Card): string {
  return [card.title, card.subtitle, card.url].filter((line): line is string => Boolean(line)).join('\n');
}
