// Turns a buyer's message into the weighted sparse features the intent classifier learns from.
//
// Normalisation makes spellings that mean the same thing look the same: NFKC folds full-width
// forms (ＡＢＣ１２３, ，) into half-width, Traditional characters become Simplified (轉人工 → 转人工),
// case is folded, punctuation, symbols and emoji are dropped, and every run of digits becomes one
// placeholder, so "身高170体重60" and "身高180体重70" are the same question.
//
// Features, chosen per script because the two scripts carry meaning differently:
// - Han text is not segmented into words (segmenters need large dictionaries and still get shop
//   jargon wrong); character 1–3-grams over runs of Han characters capture words and short phrases
//   whichever way they are cut (有货, 有货吗, 货吗).
// - Other scripts (English) give word unigrams and bigrams (meaning and some word order) plus
//   character 1–4-grams over the words with a space marking each word boundary (" wher", "her ",
//   "r is"), which still match when a buyer misspells a word ("parcle", "wher") and also see
//   across word boundaries the way a short phrase does. On CLINC150 and BANKING77, 1–4-grams
//   across boundaries were as accurate as 2–5 or 3–5 (within 0.3 points) with fewer features, so
//   training and scoring are faster.
// Features are weighted by TF-IDF (sublinear term frequency, L2 normalised), so a message's length
// does not matter and words every intent uses ("the", "我") weigh little.

import { hasHan, toSimplified } from '../language/chinese-script.ts';

/** The placeholder a run of digits becomes; it is punctuation, so it cannot come from the buyer. */
export const NUMBER_TOKEN = '#';

/** Messages longer than this are cut before featurising: no intent needs a novel to be recognised. */
export const MAX_TEXT_LENGTH = 2000;

const DIGITS = /\p{Nd}+(?:[.,:]\p{Nd}+)*/gu;
// Apostrophes join (don't → dont, what's → whats), the way buyers also type them.
const APOSTROPHES = /['’‘`´]/gu;
// Anything that is neither a letter, a combining mark, a number nor a space: punctuation,
// symbols, emoji and their joiners and variation selectors, control characters.
const NOT_WORDLIKE = /[^\p{L}\p{M}\p{N}\s]+/gu;
const SPACES = /\s+/gu;
const HAN_CHAR = /^\p{Script=Han}$/u;
// No Han character (radicals included) comes before U+2E80: most text skips the regular expression.
const FIRST_HAN_CODE = 0x2e80;

function isHan(ch: string): boolean {
  return ch.charCodeAt(0) >= FIRST_HAN_CODE && HAN_CHAR.test(ch);
}

/** The canonical form of a message: what training examples, messages and keywords are compared in. */
export function normaliseText(text: string): string {
  let t = typeof text === 'string' ? text : '';
  if (t.length > MAX_TEXT_LENGTH) t = t.slice(0, MAX_TEXT_LENGTH);
  t = t.normalize('NFKC');
  // Script conversion is the costly step, and most English messages can skip it.
  if (hasHan(t)) t = toSimplified(t);
  return t
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(NOT_WORDLIKE, ' ')
    .replace(DIGITS, NUMBER_TOKEN)
    .replace(SPACES, ' ')
    .trim();
}

/** How the features of a message are made; the defaults are what the recogniser uses. */
export interface FeatureSettings {
  /** Longest Han character n-gram (shortest is 1). */
  hanMaxN: number;
  /** Shortest and longest character n-gram over the space-bounded words; 0 turns them off. */
  charMinN: number;
  charMaxN: number;
  /** Whether character n-grams may span a space between words, or stay inside one word. */
  charAcrossWords: boolean;
  /** Whether consecutive words also give a bigram feature. */
  wordBigrams: boolean;
}

export const DEFAULT_FEATURE_SETTINGS: Readonly<FeatureSettings> = {
  hanMaxN: 3,
  charMinN: 1,
  charMaxN: 4,
  charAcrossWords: true,
  wordBigrams: true,
};

/**
 * Calls `sink` with every feature of an already normalised message, repeats included. Feature
 * names start with a kind tag so kinds never collide: `h` Han n-gram, `w` word, `b` word bigram,
 * `c` character n-gram.
 */
export function visitFeatures(
  normalised: string,
  settings: Readonly<FeatureSettings>,
  sink: (feature: string) => void,
): void {
  // Han characters and numbers written next to them form one run (身高#体重#); a space or a
  // word in another script ends it. Words of other scripts and numbers also form the word list.
  const words: string[] = [];
  let run: string[] = [];
  let word = '';
  for (const ch of normalised) {
    const han = ch === NUMBER_TOKEN || isHan(ch);
    if (word !== '' && (han || ch === ' ')) {
      words.push(word);
      word = '';
    }
    if (han) {
      run.push(ch);
      if (ch === NUMBER_TOKEN) words.push(ch);
    } else {
      if (run.length > 0) {
        addHanGrams(run, settings.hanMaxN, sink);
        run = [];
      }
      if (ch !== ' ') word += ch;
    }
  }
  if (word !== '') words.push(word);
  addHanGrams(run, settings.hanMaxN, sink);

  let previous: string | null = null;
  for (const word of words) {
    sink(`w ${word}`);
    if (settings.wordBigrams && previous !== null) sink(`b ${previous} ${word}`);
    previous = word;
  }

  if (settings.charMaxN > 0 && words.length > 0) {
    if (settings.charAcrossWords) addCharGrams(` ${words.join(' ')} `, settings, sink);
    else for (const word of words) addCharGrams(` ${word} `, settings, sink);
  }
}

/** The features of an already normalised message with their counts. */
export function extractFeatures(
  normalised: string,
  settings: Readonly<FeatureSettings> = DEFAULT_FEATURE_SETTINGS,
): Map<string, number> {
  const counts = new Map<string, number>();
  visitFeatures(normalised, settings, (feature) => counts.set(feature, (counts.get(feature) ?? 0) + 1));
  return counts;
}

function addHanGrams(run: string[], maxN: number, add: (feature: string) => void): void {
  for (let i = 0; i < run.length; i++) {
    let gram = '';
    for (let n = 1; n <= maxN && i + n <= run.length; n++) {
      gram += run[i + n - 1];
      // A lone number says nothing here; the word features already count it.
      if (gram !== NUMBER_TOKEN) add(`h ${gram}`);
    }
  }
}

function addCharGrams(bounded: string, settings: Readonly<FeatureSettings>, add: (feature: string) => void): void {
  for (let i = 0; i < bounded.length; i++) {
    for (let n = settings.charMinN; n <= settings.charMaxN && i + n <= bounded.length; n++) {
      const gram = bounded.substring(i, i + n);
      // A boundary marker alone carries nothing (longer grams always hold a letter).
      if (gram !== ' ') add(`c ${gram}`);
    }
  }
}

/** A message as the classifier sees it: feature ids and their TF-IDF weights; the full vector has unit length. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/**
 * The features seen in training and how rare each is (IDF). Features a message has that no
 * training example had get no dimension: the classifier has no weight for them anyway.
 */
export class TfIdfVocabulary {
  // Reused by vectorise (which never awaits, so calls cannot interleave): term counts by id,
  // and which ids the current message touched.
  private readonly counts: Float64Array;
  private readonly touched: Int32Array;

  private constructor(
    readonly settings: Readonly<FeatureSettings>,
    private readonly ids: ReadonlyMap<string, number>,
    private readonly idf: Float32Array,
    /** The IDF of a feature no training example had: the rarest there is. */
    private readonly unseenIdf: number,
  ) {
    this.counts = new Float64Array(idf.length);
    this.touched = new Int32Array(idf.length);
  }

  /**
   * Builds the vocabulary from the normalised training texts, keeping at most `maxFeatures`
   * features, the most widespread first (ties: first seen first). The cap bounds the weight table,
   * which must fit the CPU's cache for training on large sets to be fast; the features it drops
   * are the ones seen in one or two examples, which generalise least.
   */
  static fit(
    texts: readonly string[],
    settings: Readonly<FeatureSettings> = DEFAULT_FEATURE_SETTINGS,
    maxFeatures = Infinity,
  ): TfIdfVocabulary {
    const ids = new Map<string, number>();
    const documentFrequency: number[] = [];
    const lastDocument: number[] = [];
    texts.forEach((text, document) => {
      visitFeatures(text, settings, (feature) => {
        let id = ids.get(feature);
        if (id === undefined) {
          id = ids.size;
          ids.set(feature, id);
          documentFrequency.push(0);
          lastDocument.push(-1);
        }
        if (lastDocument[id] !== document) {
          lastDocument[id] = document;
          documentFrequency[id]!++;
        }
      });
    });
    let kept = [...ids.entries()];
    if (kept.length > maxFeatures) {
      kept = kept
        .sort((a, b) => documentFrequency[b[1]]! - documentFrequency[a[1]]! || a[1] - b[1])
        .slice(0, Math.max(0, Math.floor(maxFeatures)))
        .sort((a, b) => a[1] - b[1]);
    }
    const n = texts.length;
    // Smoothed IDF as in scikit-learn: a feature in every document still weighs 1, never 0.
    const idf = Float32Array.from(kept, ([, id]) => Math.log((1 + n) / (1 + documentFrequency[id]!)) + 1);
    const keptIds = new Map(kept.map(([feature], id) => [feature, id]));
    return new TfIdfVocabulary(settings, keptIds, idf, Math.log(1 + n) + 1);
  }

  get size(): number {
    return this.idf.length;
  }

  /** The TF-IDF vector of a normalised message (sublinear tf: 1 + ln count). */
  vectorise(normalised: string): SparseVector {
    const { counts, touched, ids } = this;
    let touchedCount = 0;
    let unseen: Map<string, number> | null = null;
    visitFeatures(normalised, this.settings, (feature) => {
      const id = ids.get(feature);
      if (id === undefined) {
        unseen ??= new Map();
        unseen.set(feature, (unseen.get(feature) ?? 0) + 1);
      } else if (counts[id]!++ === 0) {
        touched[touchedCount++] = id;
      }
    });
    let squares = 0;
    // Unseen features have no dimension, but they still count towards the length: a message that
    // is mostly new to the model must not look like a short, confident training example.
    for (const count of (unseen as Map<string, number> | null)?.values() ?? []) {
      const weight = (1 + Math.log(count)) * this.unseenIdf;
      squares += weight * weight;
    }
    const indices = touched.slice(0, touchedCount);
    const weights = new Float64Array(touchedCount);
    for (let k = 0; k < touchedCount; k++) {
      const id = indices[k]!;
      const weight = (1 + Math.log(counts[id]!)) * this.idf[id]!;
      weights[k] = weight;
      squares += weight * weight;
      counts[id] = 0;
    }
    const norm = Math.sqrt(squares) || 1;
    const values = new Float32Array(touchedCount);
    for (let k = 0; k < touchedCount; k++) values[k] = weights[k]! / norm;
    return { indices, values };
  }
}
