// product_facts: answers what a buyer asks about a product (material, washing, ingredients,
// allergens, shelf life, origin, …) from the catalog's attributes only. Which fact is asked, and what
// it is called in the answer, comes from the flows' `vocabulary.product_facts` topics, not from code.
// A question no topic names is looked up by meaning in the attribute texts (synonym groups and
// shared content words, dialogs/commerce/asked-facts.ts), so a fact the merchant writes into the
// catalog is answerable with no code. A question the data cannot answer is never guessed: `missing`
// is set, or the status says `unknown_question`, and the flow hands off.
// Sets `status`: no_product | unknown_link | answered | not_in_data | unknown_question.

import { askedTopics, retrieveFacts, unansweredWords, type RetrievedFact } from '../commerce/asked-facts.ts';
import type { Language } from '../messages.ts';
import { vocabularyPart, type FactTopic } from '../flows/vocabulary.ts';
import type { ActionContext, ActionDefinition, ActionResult } from './action-types.ts';
import { joinList } from './commerce-wording.ts';
import { originalQuestion, productInFocus } from './product-in-focus.ts';

const OUTPUTS = ['status', 'question', 'product_name', 'facts', 'missing'] as const;

function labelOf(name: string, topics: Readonly<Record<string, FactTopic>>, language: Language): string {
  return topics[name]?.label[language] ?? name;
}

/**
 * A fact found by meaning, under its attribute's label when a topic names it ("配料:辣椒" answers
 * 辣不辣 honestly); an attribute the merchant added without a topic shows its text alone.
 */
function labelled(fact: RetrievedFact, topics: Readonly<Record<string, FactTopic>>, language: Language): string {
  const topic = fact.attribute in topics ? fact.attribute : Object.keys(topics).find((name) => topics[name]!.answered_by?.[0] === fact.attribute);
  return topic ? `${labelOf(topic, topics, language)}${language === 'en' ? ': ' : ':'}${fact.text}` : fact.text;
}

export const productFacts: ActionDefinition = {
  name: 'product_facts',
  description: "Answers the buyer's question about the product in focus from its attributes; sets `status`, `facts` and `missing` (what the data cannot answer).",
  outputs: OUTPUTS,
  vocabulary: ['product_facts'],
  async run(context: ActionContext): Promise<ActionResult> {
    const { language } = context;
    const { topics, synonyms } = vocabularyPart(context.vocabulary, 'product_facts');
    const question = originalQuestion(context);
    const set: Record<string, unknown> = { status: null, question, product_name: null, facts: null, missing: null };
    const focus = await productInFocus(context, question);
    const product = focus.product;
    if (!product) return { set: { ...set, status: focus.unknownLink ? 'unknown_link' : 'no_product' } };
    const switched = focus.switchedTo ? { context: { productId: focus.switchedTo } } : {};
    set.product_name = product.name[language];
    const asked = askedTopics(question, topics);
    // Each topic is answered by the first of its attributes the product has ("成分" of a T-shirt is its material).
    const answered = new Map<string, string>();
    const missingTopics: string[] = [];
    for (const name of asked) {
      const source = (topics[name]!.answered_by ?? [name]).find((attribute) => product.attributes[attribute]);
      if (source) answered.set(source, answered.get(source) ?? name);
      else missingTopics.push(name);
    }
    // What the question names by a synonym group that no text of this product mentions (起球 of a T-shirt).
    const unanswered = unansweredWords(question, product, synonyms);
    const missingList = (names: string[]) => (names.length > 0 ? joinList(names, language) : null);
    // A topic word can be incidental (多少克 in 充绒多少克) or absent (会掉色吗): when the data answers
    // none of the topics, the clause found by meaning answers instead of a hand-off.
    if (answered.size === 0) {
      const [best] = retrieveFacts(question, product, language, synonyms);
      if (best) return { set: { ...set, facts: labelled(best, topics, language), missing: missingList(unanswered), status: 'answered' }, ...switched };
      const missing = [...missingTopics.map((name) => labelOf(name, topics, language)), ...unanswered];
      return { set: { ...set, missing: missingList(missing), status: missing.length > 0 ? 'not_in_data' : 'unknown_question' }, ...switched };
    }
    const separator = language === 'en' ? ': ' : ':';
    const facts = [...answered].map(([attribute, topic]) => `${labelOf(attribute in topics ? attribute : topic, topics, language)}${separator}${product.attributes[attribute]![language]}`);
    const missing = [...missingTopics.map((name) => labelOf(name, topics, language)), ...unanswered];
    return { set: { ...set, facts: facts.join('\n'), missing: missingList(missing), status: 'answered' }, ...switched };
  },
};
