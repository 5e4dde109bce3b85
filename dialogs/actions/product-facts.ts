// product_facts: answers what a buyer asks about a product (material, washing, ingredients,
// allergens, shelf life, origin, …) from the catalog's attributes only. Which fact is asked, and what
// it is called in the answer, comes from the flows' `vocabulary.product_facts` topics, not from code.
// A question the data cannot answer is never guessed: `missing` is set and the flow hands off.
// Sets `status`: no_product | unknown_link | answered | not_in_data | unknown_question.

import { normaliseForWords, usesAnyWord } from '../commerce/vocabulary-words.ts';
import type { Language } from '../messages.ts';
import { vocabularyPart, type FactTopic } from '../flows/vocabulary.ts';
import type { ActionContext, ActionDefinition, ActionResult } from './action-types.ts';
import { joinList } from './commerce-wording.ts';
import { originalQuestion, productInFocus } from './product-in-focus.ts';

/** The topics a question asks about, by the vocabulary's words, in the vocabulary's order. */
export function askedTopics(question: string, topics: Readonly<Record<string, FactTopic>>): string[] {
  const text = normaliseForWords(question);
  return Object.keys(topics).filter((name) => usesAnyWord(text, topics[name]!.words));
}

const OUTPUTS = ['status', 'question', 'product_name', 'facts', 'missing'] as const;

function labelOf(name: string, topics: Readonly<Record<string, FactTopic>>, language: Language): string {
  return topics[name]?.label[language] ?? name;
}

export const productFacts: ActionDefinition = {
  name: 'product_facts',
  description: "Answers the buyer's question about the product in focus from its attributes; sets `status`, `facts` and `missing` (what the data cannot answer).",
  outputs: OUTPUTS,
  vocabulary: ['product_facts'],
  async run(context: ActionContext): Promise<ActionResult> {
    const { language } = context;
    const { topics } = vocabularyPart(context.vocabulary, 'product_facts');
    const question = originalQuestion(context);
    const set: Record<string, unknown> = { status: null, question, product_name: null, facts: null, missing: null };
    const focus = await productInFocus(context, question);
    const product = focus.product;
    if (!product) return { set: { ...set, status: focus.unknownLink ? 'unknown_link' : 'no_product' } };
    const switched = focus.switchedTo ? { context: { productId: focus.switchedTo } } : {};
    set.product_name = product.name[language];
    const asked = askedTopics(question, topics);
    if (asked.length === 0) return { set: { ...set, status: 'unknown_question' }, ...switched };
    // Each topic is answered by the first of its attributes the product has ("成分" of a T-shirt is its material).
    const answered = new Map<string, string>();
    const missing: string[] = [];
    for (const name of asked) {
      const source = (topics[name]!.answered_by ?? [name]).find((attribute) => product.attributes[attribute]);
      if (source) answered.set(source, answered.get(source) ?? name);
      else missing.push(name);
    }
    const separator = language === 'en' ? ': ' : ':';
    const facts = [...answered].map(([attribute, topic]) => `${labelOf(attribute in topics ? attribute : topic, topics, language)}${separator}${product.attributes[attribute]![language]}`);
    set.facts = facts.join('\n') || null;
    set.missing = missing.length > 0 ? joinList(missing.map((name) => labelOf(name, topics, language)), language) : null;
    return { set: { ...set, status: answered.size > 0 ? 'answered' : 'not_in_data' }, ...switched };
  },
};
