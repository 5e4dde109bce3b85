// A Kefu reply as a Botkit message: the text, the buttons as Botkit quick replies (which Botkit's
// platform adapters render natively: chips in the web adapter, Messenger quick replies, ...), and a
// card as lines of text under it.

import type { Reply } from '../../../dialogs/messages.ts';
import { cardAsText } from '../shared/card-text.ts';

export interface BotkitOutgoing {
  type: 'message';
  text: string;
  quick_replies?: { title: string; payload: string }[];
}

export function botkitMessageOf(reply: Reply): BotkitOutgoing {
  const text = [reply.text, reply.card ? cardAsText(reply.card) : ''].filter(Boolean).join('\n');
  return {
    type: 'message',
    text,
    ...(reply.buttons && reply.buttons.length > 0 ? { quick_replies: reply.buttons.map(({ title, payload }) => ({ title, payload })) } : {}),
  };
}
