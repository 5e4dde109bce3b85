// Marketplace chats show text, not buttons. A reply's buttons become numbered lines ("1. Size S"),
// the channel remembers which payload each number stands for, and a buyer who answers "2" (or "２",
// "2.", " 2 ") is handled as if they had pressed the second button.

import type { Button, Reply } from '../../../dialogs/messages.ts';

/** The reply's text with its buttons as numbered lines; the text alone when it has none. */
export function textWithNumberedOptions(reply: Reply): string {
  if (!reply.buttons || reply.buttons.length === 0) return reply.text;
  const lines = reply.buttons.map((button, index) => `${index + 1}. ${button.title}`);
  return reply.text ? `${reply.text}\n${lines.join('\n')}` : lines.join('\n');
}

/** The buttons of the last reply that has any: those are what the numbers the buyer sees refer to. */
export function optionsOf(replies: Reply[]): Button[] {
  for (let i = replies.length - 1; i >= 0; i--) {
    const buttons = replies[i]?.buttons;
    if (buttons && buttons.length > 0) return buttons;
  }
  return [];
}

const FULL_WIDTH_DIGITS = /[\uFF10-\uFF19]/g;

/** The payload the buyer chose by typing an option's number, or null when the text is not one. */
export function chosenOption(text: string, options: readonly Button[]): Button | null {
  const normalised = text.replace(FULL_WIDTH_DIGITS, (digit) => String(digit.charCodeAt(0) - 0xff10)).trim();
  const match = /^(\d{1,2})[.。、)]?$/.exec(normalised);
  if (!match) return null;
  const index = Number(match[1]) - 1;
  return options[index] ?? null;
}
