// Which product facts a buyer's question asks about. First by the vocabulary's topic words
// (面料, shelf life); then, when no topic word names it, by meaning. A merchant who writes a fact into
// the catalog (充绒量120克 inside the material, 可能轻微掉色 inside the washing, a new attribute of
// their own) makes it answerable with no code: the question's content terms, widened by the
// vocabulary's synonym groups (掉色 = 褪色 = fade = bleed), are looked up in the attribute texts
// clause by clause, and the clause that shares the most answers. Nothing is guessed: a clause must
// share a synonym group, or two content terms, with the question (one, when that is all it has).

import type { FactTopic } from '../flows/vocabulary.ts';
import type { Language } from '../messages.ts';
import type { Product } from './catalog.ts';
import { normaliseForWords, usesAnyWord } from './vocabulary-words.ts';

/** The topics a question asks about, by the vocabulary's words, in the vocabulary's order. */
export function askedTopics(question: string, topics: Readonly<Record<string, FactTopic>>): string[] {
  const text = normaliseForWords(question);
  return Object.keys(topics).filter((name) => usesAnyWord(text, topics[name]!.words));
}

export interface RetrievedFact {
  attribute: string;
  /** The clause of the attribute's text in the buyer's language that answers, or the whole text. */
  text: string;
  score: number;
}

/**
 * A clause must share a synonym group with the question, or two of its content terms; a question
 * of one or two content terms (保修多久, 功率多大, warranty?) needs one.
 */
const ENOUGH = 2;
const SYNONYM_SCORE = 2;
// How a question asks, not what about: cut out before the pairs are taken, so 保修多久 is about 保修.
const QUESTION_PHRASES = /多久|多大|多长|多重|多高|多宽|多厚|多少|几[年月天个克斤寸号码次]?|怎么样|怎么|怎样|如何|什么|啥|哪里|哪儿|哪个|是不是|有没有|会不会|能不能|可不可以|吗|呢|啊|吧|嘛|呀/gu;
/** An attribute text is cut into clauses at these marks, so the answer is the part that was asked about. */
const CLAUSE_MARKS = /[,，;；。、!！?？\n]+|(?<=[a-z0-9)])[,.]\s+/iu;
const HAN_RUN = /\p{Script=Han}+/gu;
const LATIN_WORD = /[a-z][a-z'-]+/g;
// Characters that carry the question's grammar, not its topic: a pair of two of them (这款, 多少,
// 是不, 有没) says nothing about which fact is asked. In the simplified script (text is normalised).
const FUNCTION_CHARACTERS = new Set([...'的了吗呢吧啊呀么嘛是不有没会能可以这那个款件些哪里什怎样多少几请问亲你我他她它们在和与或也都还就很太要想吃用穿买到给']);
// English words that ask, not name: "does it fade" is about fading.
const STOP_WORDS = new Set([
  'the', 'a', 'an', 'in', 'on', 'of', 'to', 'at', 'by', 'or', 'if', 'be', 'me', 'my', 'we', 'us', 'so', 'does', 'did', 'is', 'are', 'was', 'it', 'its', "it's", 'this', 'that', 'these', 'those', 'what', 'how', 'much',
  'many', 'have', 'has', 'had', 'with', 'can', 'could', 'will', 'would', 'you', 'your', 'about', 'any', 'there', 'for',
  'and', 'get', 'one', 'item', 'product', 'please', 'tell', 'know', 'want', 'need', 'which', 'who', 'where', 'when',
  'why', 'long', 'hey', 'hello', 'thanks', 'not', 'from', 'very', 'too', 'they', 'them', 'some', 'also', 'just', 'like',
]);

function stem(word: string): string {
  return word.length > 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

/** The content terms of a normalised text: Han character pairs that are not grammar alone, and English content words. */
export function contentTerms(normalised: string): Set<string> {
  const terms = new Set<string>();
  for (const [run] of normalised.replace(QUESTION_PHRASES, ' ').matchAll(HAN_RUN)) {
    for (let i = 0; i + 1 < run.length; i++) {
      const pair = run.slice(i, i + 2);
      if (!(FUNCTION_CHARACTERS.has(pair[0]!) && FUNCTION_CHARACTERS.has(pair[1]!))) terms.add(pair);
    }
  }
  for (const [word] of normalised.matchAll(LATIN_WORD)) if (!STOP_WORDS.has(word)) terms.add(stem(word));
  return terms;
}

/** The question without the product's own names: "这款羽绒服" must not match a clause about 羽绒 detergent. */
function withoutProductNames(normalised: string, product: Product): string {
  const names = [...Object.values(product.name), ...product.aliases].map(normaliseForWords).filter((name) => name.length > 1);
  names.sort((a, b) => b.length - a.length);
  let text = normalised;
  for (const name of names) text = text.split(name).join(' ');
  return text;
}

function scoreClause(clause: string, terms: Set<string>, groups: readonly (readonly string[])[]): number {
  const normal = normaliseForWords(clause);
  let score = groups.filter((group) => usesAnyWord(normal, group)).length * SYNONYM_SCORE;
  const clauseTerms = contentTerms(normal);
  for (const term of terms) if (clauseTerms.has(term)) score++;
  return score;
}

/**
 * The product facts a question asks about by meaning, best first (at most one per attribute):
 * each attribute text in the buyer's language is scored clause by clause; when none of them
 * scores, the texts in the other languages are tried and the whole text in the buyer's language answers.
 */
export function retrieveFacts(question: string, product: Product, language: Language, synonyms: readonly (readonly string[])[] = []): RetrievedFact[] {
  const normalised = withoutProductNames(normaliseForWords(question), product);
  const groups = synonyms.filter((group) => usesAnyWord(normalised, group));
  const terms = contentTerms(normalised);
  if (groups.length === 0 && terms.size === 0) return [];
  const enough = groups.length > 0 || terms.size > 2 ? ENOUGH : 1;
  const found: RetrievedFact[] = [];
  for (const [attribute, text] of Object.entries(product.attributes)) {
    if (!text) continue;
    // Every clause with the top score answers, in the catalog's order ("氨纶2%,微弹" both say stretch).
    const clauses = text[language].split(CLAUSE_MARKS).map((clause) => ({ clause: clause.trim(), score: scoreClause(clause, terms, groups) }));
    const top = Math.max(...clauses.map((c) => c.score));
    let best: RetrievedFact | null = null;
    if (top >= enough) {
      const answering = clauses.filter((c) => c.score === top).map((c) => c.clause);
      best = { attribute, text: answering.join(language === 'en' ? '; ' : ','), score: top };
    } else {
      const elsewhere = Math.max(...(Object.keys(text) as Language[]).filter((other) => other !== language).map((other) => scoreClause(text[other], terms, groups)));
      if (elsewhere >= enough) best = { attribute, text: text[language], score: elsewhere };
    }
    if (best) found.push(best);
  }
  return found.sort((a, b) => b.score - a.score);
}

/**
 * What the question asks by a synonym group that none of the product's texts mentions, as the
 * buyer wrote it (起球, pill): the data has no answer to that part, so it is missing, even when a
 * topic word in the same question (after washing) has an answer.
 */
export function unansweredWords(question: string, product: Product, synonyms: readonly (readonly string[])[] = []): string[] {
  const normalised = withoutProductNames(normaliseForWords(question), product);
  const texts = Object.values(product.attributes).flatMap((text) => (text ? Object.values(text).map(normaliseForWords) : []));
  const words: string[] = [];
  for (const group of synonyms) {
    const used = group.find((word) => usesAnyWord(normalised, [word]));
    if (used && !texts.some((text) => usesAnyWord(text, group))) words.push(used);
  }
  return words;
}
