// The product page informs recognition. A buyer on the tee's page who writes "有M号吗" or
// "請問這件有M號嗎" asks whether size M is in stock, not which size fits them: the message names one
// of this product's sizes or colours and asks whether it exists. The words alone are close to a
// size question (码, 号, 尺码), so the recogniser may well rank size advice first; with the page in
// view there is no doubt.
//
// The flow that answers it is the one that checks stock (calls the built-in `check_stock` action);
// a shop without such a flow keeps the recogniser's choice.

import type { Product } from '../commerce/catalog.ts';
import { askedTopics, retrieveFacts } from '../commerce/asked-facts.ts';
import { findVariant } from '../commerce/variant-mentions.ts';
import { triggersOf } from '../flows/check-flows.ts';
import type { Step } from '../flows/flow-types.ts';
import type { FlowSet } from '../flows/load-flows.ts';
import { toSimplified } from '../language/chinese-script.ts';
import type { Language } from '../messages.ts';

// Asking whether something exists or is available: 有M号吗, 有没有白色, 还有L吗, do you have it in M, is M available.
const ASKS_AVAILABILITY_ZH = /有(?:没有|沒有|冇|无|無)?[^,，。?？!！]{0,8}(?:吗|嗎|么|麼|没|沒|不|嘛|呢|[?？])|有没有|有沒有|还有|還有|有货|有貨|有冇|现货|現貨/u;
const ASKS_AVAILABILITY_EN = /\b(?:do you have|have you got|got any|is there|are there|in stock|available|availability|any left|sold out)\b/i;
// Asking which size fits: then it is a size question after all (这件我穿M码合适吗, would M fit me).
const ASKS_FIT_ZH = /多大|什么码|什麼碼|哪个码|哪個碼|几码|幾碼|穿什么|穿什麼|穿哪|适合|適合|合适|合適|推荐|推薦|偏大|偏小|码数|碼數|尺码表|尺碼表|身高|体重|體重/u;
const ASKS_FIT_EN = /\b(?:fit|fits|what size|which size|should i|recommend|size chart|too (?:big|small)|run(?:s)? (?:big|small|large))\b/i;

const stockIntentBySet = new WeakMap<FlowSet, string | null>();

function callsCheckStock(steps: readonly Step[]): boolean {
  return steps.some((step) =>
    typeof step === 'object' &&
    (('action' in step && step.action === 'check_stock') || ('if' in step && (callsCheckStock(step.then) || callsCheckStock(step.else ?? [])))));
}

/** The intent of the flow that checks stock, or null when the flow set has none. */
function stockIntent(flowSet: FlowSet): string | null {
  let intent = stockIntentBySet.get(flowSet);
  if (intent === undefined) {
    intent = null;
    for (const flow of flowSet.flows.values()) {
      const trigger = triggersOf(flow)[0];
      if (trigger && callsCheckStock(flow.steps)) {
        intent = trigger;
        break;
      }
    }
    stockIntentBySet.set(flowSet, intent);
  }
  return intent;
}

/**
 * The intent a message has because of the product in view: the stock flow's intent when the
 * message asks whether one of the product's sizes or colours is available; otherwise null.
 */
export function intentFromProductPage(text: string, product: Product | null, flowSet: FlowSet): string | null {
  if (!product) return null;
  const simplified = toSimplified(text.normalize('NFKC'));
  const asksAvailability = ASKS_AVAILABILITY_ZH.test(simplified) || ASKS_AVAILABILITY_EN.test(simplified);
  if (!asksAvailability || ASKS_FIT_ZH.test(simplified) || ASKS_FIT_EN.test(simplified)) return null;
  const { colour, size } = findVariant(text, product);
  if (colour === null && size === null) return null;
  return stockIntent(flowSet);
}

/**
 * The product-facts intent for a message the recogniser did not place, when the product in view
 * answers it: the message names a fact topic, or shares a synonym group or two content words with
 * one of the product's catalog texts (`vocabulary.product_facts.intent`; null when unset).
 */
export function factsIntentFromProductPage(text: string, product: Product | null, flowSet: FlowSet, language: Language): string | null {
  const facts = flowSet.vocabulary.product_facts;
  if (!product || !facts?.intent) return null;
  const asks = askedTopics(text, facts.topics).length > 0 || retrieveFacts(text, product, language, facts.synonyms).length > 0;
  return asks ? facts.intent : null;
}
