// Why a message the merchant just taught to an intent is still not recognised as that intent after
// the reload, in words the merchant can act on. Teaching an example does not force the recogniser:
// it learns from it among thousands of others, so a very short message, one a keyword of another
// intent decides, or one that looks like out-of-scope chatter can stay unrecognised. Saying so at
// once beats the merchant finding out from the next buyer.

import { expandShorthand } from '../engine/short-replies.ts';
import type { IntentRecogniser } from '../understanding/intent-recogniser.ts';
import { normaliseText } from '../understanding/text-features.ts';

export interface StillMissed {
  example: string;
  /** What the bot now answers it as (null: it asks the buyer to say it another way). */
  recognisedAs: string | null;
  reason: string;
}

export function explainMiss(recogniser: IntentRecogniser, example: string, intent: string): StillMissed | null {
  // As the engine reads it: chat shorthand first ("88" → 拜拜, "nvm" → never mind).
  const recognition = recogniser.recognise(expandShorthand(example));
  if (recognition.intent === intent) return null;
  const miss = (reason: string): StillMissed => ({ example, recognisedAs: recognition.intent, reason });

  const keyword = recogniser.keywordDeciding(expandShorthand(example));
  if (keyword !== null && keyword.intent !== intent) {
    return miss(`the keyword "${keyword.keyword}" of ${keyword.intent} decides every message that holds it: change that keyword, or teach a longer one to ${intent}`);
  }
  const normalised = normaliseText(example);
  // Every number reads as the same placeholder (text-features.ts), so "88" is any number to the model.
  if (/^[#\s]*$/.test(normalised)) {
    return miss('it is only a number, and every number reads the same to the recogniser: write it in words, or as chat shorthand the engine knows ("88", "886")');
  }
  const letters = [...normalised.replace(/[#\s]/g, '')].length;
  if (letters <= 2) {
    return miss(`it is too short to tell apart from other messages (${letters} character${letters === 1 ? '' : 's'}): make it a keyword of ${intent}`);
  }
  const mine = recognition.ranking.find((score) => score.intent === intent)?.confidence ?? 0;
  if (recognition.intent !== null) {
    return miss(`it is closer to the examples of ${recognition.intent} (${recognition.confidence.toFixed(2)}) than to those of ${intent} (${mine.toFixed(2)}): teach a few more messages like it, or make its distinctive words a keyword`);
  }
  if (mine >= recogniser.threshold) {
    return miss(`it looks like the out-of-scope examples (chit-chat, other trades) more than like ${intent}: make its distinctive words a keyword of ${intent}`);
  }
  return miss(`the bot is not sure enough yet (${mine.toFixed(2)}, it needs ${recogniser.threshold.toFixed(2)}): teach a few more messages like it`);
}
