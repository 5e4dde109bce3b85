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
// Each occurrence of a feature is also marked content or not (made only of function words and
// numbers); the recogniser judges how familiar a message is on a vector where the latter weigh
// half and single letters are left out, and how much of a message is numbers only.

import { eng as englishStopwords, zho as chineseStopwords } from 'stopword';
import { hasHan, toSimplified } from '../language/chinese-script.ts';

/** The placeholder a run of digits becomes; it is punctuation, so it cannot come from the buyer. */
export const NUMBER_TOKEN = '#';

/** Messages longer than this are cut before featurising: no intent needs a novel to be recognised. */
export const MAX_TEXT_LENGTH = 2000;

const DIGITS = /\p{Nd}+(?:[.,:]\p{Nd}+)*/gu;
// Apostrophes join (don't → dont, what's → whats), the way buyers also type them.
const APOSTROPHES = /['’‘`´]/gu;
// A link says which page, not what the buyer wants ("https://shop.example/item/123 有货吗"); its
// many letters and digits would only dilute the words around it. The engine reads links itself
// (the product they name) from the message as typed.
const LINKS = /(?:https?:\/\/|www\.)[^\s\p{Script=Han}]+/giu;
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
    .replace(LINKS, ' ')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(NOT_WORDLIKE, ' ')
    .replace(DIGITS, NUMBER_TOKEN)
    .replace(SPACES, ' ')
    .trim();
}

// Function words: the words every question uses whatever it is about ("what is the", "我", "吗").
// A feature made only of function words or numbers is not *content*: it helps the classifier tell
// intents apart, but it must not make an off-topic message look familiar ("what's the capital of
// france" shares "what", "the", "of" with "what is it made of"; "123 456" shares only numbers with
// "身高170体重60"). Lists from the stopword package, plus the apostrophe-less contractions
// normaliseText makes and letters that stand alone once an apostrophe is gone.
const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  ...englishStopwords,
  ...['whats', 'wheres', 'hows', 'whos', 'whens', 'im', 'ive', 'id', 'ill', 'its', 'dont', 'doesnt', 'didnt', 'cant', 'wont',
    'isnt', 'arent', 'wasnt', 'youre', 'thats', 'theres', 'heres', 'lets', 's', 't', 'please', 'pls', 'plz', 'u', 'r'],
]);
const FUNCTION_CHARS: ReadonlySet<string> = new Set(chineseStopwords.filter((w: string) => [...w].length === 1));

// How much a feature that is not content weighs against a content one: function words still help
// tell intents apart ("where is" vs "how do"), but count for less.
const FUNCTION_WEIGHT = 0.5;

/** Whether a word of a spaced script is a function word or a number, not content. */
export function isFunctionWord(word: string): boolean {
  return word === NUMBER_TOKEN || FUNCTION_WORDS.has(word);
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
 * Calls `sink` with every feature of an already normalised message, repeats included, and whether
 * that occurrence is content (it involves a word that is neither a function word nor a number).
 * Feature names start with a kind tag so kinds never collide: `h` Han n-gram, `w` word,
 * `b` word bigram, `c` character n-gram.
 */
export function visitFeatures(
  normalised: string,
  settings: Readonly<FeatureSettings>,
  sink: (feature: string, content: boolean) => void,
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
  let previousContent = false;
  const contentWords = words.map((word) => !isFunctionWord(word));
  words.forEach((word, i) => {
    const content = contentWords[i]!;
    sink(`w ${word}`, content);
    if (settings.wordBigrams && previous !== null) sink(`b ${previous} ${word}`, content || previousContent);
    previous = word;
    previousContent = content;
  });

  if (settings.charMaxN > 0 && words.length > 0) {
    if (settings.charAcrossWords) {
      addCharGrams(` ${words.join(' ')} `, contentMask(words, contentWords), settings, sink);
    } else {
      words.forEach((word, i) => addCharGrams(` ${word} `, contentMask([word], [contentWords[i]!]), settings, sink));
    }
  }
}

/** For each character of ` ${words.join(' ')} `, whether it belongs to a content word. */
function contentMask(words: readonly string[], content: readonly boolean[]): Uint8Array {
  const mask = new Uint8Array(words.reduce((n, w) => n + w.length + 1, 1));
  let at = 1;
  words.forEach((word, i) => {
    if (content[i]) mask.fill(1, at, at + word.length);
    at += word.length + 1;
  });
  return mask;
}

/** Whether a feature is made of numbers only ("w #", "c # #"): it has no word in it. */
function isNumberOnly(feature: string): boolean {
  for (let i = 2; i < feature.length; i++) {
    const ch = feature[i];
    if (ch !== NUMBER_TOKEN && ch !== ' ') return false;
  }
  return true;
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

function addHanGrams(run: string[], maxN: number, add: (feature: string, content: boolean) => void): void {
  for (let i = 0; i < run.length; i++) {
    let gram = '';
    let content = false;
    for (let n = 1; n <= maxN && i + n <= run.length; n++) {
      const ch = run[i + n - 1]!;
      gram += ch;
      content ||= ch !== NUMBER_TOKEN && !FUNCTION_CHARS.has(ch);
      // A lone number says nothing here; the word features already count it.
      if (gram !== NUMBER_TOKEN) add(`h ${gram}`, content);
    }
  }
}

function addCharGrams(
  bounded: string,
  mask: Uint8Array,
  settings: Readonly<FeatureSettings>,
  add: (feature: string, content: boolean) => void,
): void {
  for (let i = 0; i < bounded.length; i++) {
    let content = false;
    for (let k = i; k < i + settings.charMinN - 1 && k < bounded.length; k++) content ||= mask[k] === 1;
    for (let n = settings.charMinN; n <= settings.charMaxN && i + n <= bounded.length; n++) {
      content ||= mask[i + n - 1] === 1;
      const gram = bounded.substring(i, i + n);
      // A boundary marker alone carries nothing (longer grams always hold a letter).
      if (gram !== ' ') add(`c ${gram}`, content);
    }
  }
}

/** A message as the classifier sees it: feature ids and their TF-IDF weights; the full vector has unit length. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** A message as the recogniser sees it. */
export interface MessageVector extends SparseVector {
  /**
   * How much of the vector's length comes from features with a word in them (0..1): 0 for a
   * message of numbers only ("123 456"), which every number being one placeholder would otherwise
   * make look like a body-measurement question.
   */
  readonly wordShare: number;
  /**
   * The same vector with the features that are not content (function words, numbers) weighing
   * FUNCTION_WEIGHT as much, for judging how familiar a message is. Single letters (character
   * 1-grams of spaced scripts) are left out of it: every English text has them, so they say nothing
   * about which example a message is near, yet they were most of the postings the nearest-example
   * search walked. Its length still counts them (values are not renormalised).
   */
  readonly contentFocused: SparseVector;
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
  private readonly isContent: Uint8Array;
  private readonly numberOnly: Uint8Array;
  private readonly singleLetter: Uint8Array;
  // The same ids, found without building each feature's name (vectorise): words and bigrams by
  // their text, n-grams by walking a trie one character at a time.
  private readonly wordIds = new Map<string, number>();
  private readonly bigramIds = new Map<string, number>();
  private readonly hanGrams = new GramTrie();
  private readonly charGrams = new GramTrie();

  private constructor(
    readonly settings: Readonly<FeatureSettings>,
    private readonly ids: ReadonlyMap<string, number>,
    private readonly idf: Float32Array,
    /** The IDF of a feature no training example had: the rarest there is. */
    private readonly unseenIdf: number,
  ) {
    this.counts = new Float64Array(idf.length);
    this.touched = new Int32Array(idf.length);
    this.isContent = new Uint8Array(idf.length);
    this.numberOnly = new Uint8Array(idf.length);
    this.singleLetter = new Uint8Array(idf.length);
    for (const [feature, id] of ids) {
      if (isNumberOnly(feature)) this.numberOnly[id] = 1;
      const kind = feature[0];
      const body = feature.slice(2);
      if (kind === 'w') this.wordIds.set(body, id);
      else if (kind === 'b') this.bigramIds.set(body, id);
      else if (kind === 'h') this.hanGrams.add([...body].map((ch) => ch.codePointAt(0)!), id);
      else if (kind === 'c') this.charGrams.add(Array.from({ length: body.length }, (_, k) => body.charCodeAt(k)), id);
      if (kind === 'c' && body.length === 1) this.singleLetter[id] = 1;
    }
    this.hanGrams.seal();
    this.charGrams.seal();
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

  private scratch: { weights: Float64Array; values: Float32Array; focusedIndices: Int32Array; focused: Float32Array } | null = null;

  /** The buffers transient vectors are written to, made on first use (a message touches at most every feature once). */
  private scratchBuffers(): NonNullable<TfIdfVocabulary['scratch']> {
    const size = this.idf.length;
    this.scratch ??= { weights: new Float64Array(size), values: new Float32Array(size), focusedIndices: new Int32Array(size), focused: new Float32Array(size) };
    return this.scratch;
  }

  /**
   * The TF-IDF vector of a normalised message (sublinear tf: 1 + ln count), and its content-focused
   * twin for judging how familiar the message is. `transient`: the vector's arrays are views of
   * buffers the next call overwrites, for a caller done with it before it calls again (the
   * recogniser, once per message); five new arrays a message were much of what a message allocated.
   */
  vectorise(normalised: string, transient = false): MessageVector {
    const { counts, touched, isContent } = this;
    let touchedCount = 0;
    let unseen: Map<string, number> | null = null;
    this.visitFeatureIds(
      normalised,
      (id, content) => {
        if (counts[id]!++ === 0) {
          touched[touchedCount++] = id;
          isContent[id] = 0;
        }
        if (content) isContent[id] = 1;
      },
      (feature) => {
        unseen ??= new Map();
        unseen.set(feature, (unseen.get(feature) ?? 0) + 1);
      },
    );
    let squares = 0;
    let numberSquares = 0;
    // Unseen features have no dimension, but they still count towards the length: a message that
    // is mostly new to the model must not look like a short, confident training example.
    for (const [feature, count] of (unseen as Map<string, number> | null)?.entries() ?? []) {
      const weight = (1 + Math.log(count)) * this.unseenIdf;
      squares += weight * weight;
      if (isNumberOnly(feature)) numberSquares += weight * weight;
    }
    const scratch = transient ? this.scratchBuffers() : null;
    const indices = scratch ? touched.subarray(0, touchedCount) : touched.slice(0, touchedCount);
    const weights = scratch ? scratch.weights : new Float64Array(touchedCount);
    for (let k = 0; k < touchedCount; k++) {
      const id = indices[k]!;
      const count = counts[id]!;
      const weight = (count === 1 ? 1 : 1 + Math.log(count)) * this.idf[id]!;
      weights[k] = weight;
      squares += weight * weight;
      if (this.numberOnly[id] === 1) numberSquares += weight * weight;
      counts[id] = 0;
    }
    const norm = Math.sqrt(squares) || 1;
    const values = scratch ? scratch.values.subarray(0, touchedCount) : new Float32Array(touchedCount);
    let focusedCount = 0;
    for (let k = 0; k < touchedCount; k++) if (this.singleLetter[indices[k]!] === 0) focusedCount++;
    const focusedIndices = scratch ? scratch.focusedIndices.subarray(0, focusedCount) : new Int32Array(focusedCount);
    const focused = scratch ? scratch.focused.subarray(0, focusedCount) : new Float32Array(focusedCount);
    let f = 0;
    for (let k = 0; k < touchedCount; k++) {
      values[k] = weights[k]! / norm;
      if (this.singleLetter[indices[k]!] === 1) continue;
      // Not renormalised: a message of function words only keeps a short content-focused vector,
      // so it looks familiar only when it is nearly an example itself.
      focusedIndices[f] = indices[k]!;
      focused[f++] = (isContent[indices[k]!] === 1 ? weights[k]! : weights[k]! * FUNCTION_WEIGHT) / norm;
    }
    return {
      indices,
      values,
      wordShare: squares > 0 ? Math.sqrt(Math.max(0, 1 - numberSquares / squares)) : 0,
      contentFocused: { indices: focusedIndices, values: focused },
    };
  }

  /**
   * visitFeatures with ids: the same features in the same order, each given as its id, or by name
   * when the vocabulary does not have it. Building every n-gram's name and hashing it was most of
   * the time a message took (an English message has a few hundred); the tries find the ids of
   * all the n-grams starting at one position in one walk.
   */
  private visitFeatureIds(
    normalised: string,
    seen: (id: number, content: boolean) => void,
    unseen: (feature: string) => void,
  ): void {
    const { settings } = this;
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
          this.visitHanGramIds(run, seen, unseen);
          run = [];
        }
        if (ch !== ' ') word += ch;
      }
    }
    if (word !== '') words.push(word);
    this.visitHanGramIds(run, seen, unseen);

    let previous: string | null = null;
    let previousContent = false;
    const contentWords = words.map((w) => !isFunctionWord(w));
    for (let i = 0; i < words.length; i++) {
      const current = words[i]!;
      const content = contentWords[i]!;
      const id = this.wordIds.get(current);
      if (id === undefined) unseen(`w ${current}`);
      else seen(id, content);
      if (settings.wordBigrams && previous !== null) {
        const pair = `${previous} ${current}`;
        const pairId = this.bigramIds.get(pair);
        if (pairId === undefined) unseen(`b ${pair}`);
        else seen(pairId, content || previousContent);
      }
      previous = current;
      previousContent = content;
    }

    if (settings.charMaxN > 0 && words.length > 0) {
      if (settings.charAcrossWords) {
        this.visitCharGramIds(` ${words.join(' ')} `, contentMask(words, contentWords), seen, unseen);
      } else {
        words.forEach((w, i) => this.visitCharGramIds(` ${w} `, contentMask([w], [contentWords[i]!]), seen, unseen));
      }
    }
  }

  private visitHanGramIds(run: string[], seen: (id: number, content: boolean) => void, unseen: (feature: string) => void): void {
    const maxN = this.settings.hanMaxN;
    const trie = this.hanGrams;
    for (let i = 0; i < run.length; i++) {
      let node = GramTrie.ROOT;
      let content = false;
      for (let n = 1; n <= maxN && i + n <= run.length; n++) {
        const ch = run[i + n - 1]!;
        content ||= ch !== NUMBER_TOKEN && !FUNCTION_CHARS.has(ch);
        node = node < 0 ? -1 : trie.child(node, ch.codePointAt(0)!);
        // A lone number says nothing here; the word features already count it.
        if (n === 1 && ch === NUMBER_TOKEN) continue;
        const id = node < 0 ? -1 : trie.featureOf(node);
        if (id >= 0) seen(id, content);
        else unseen(`h ${run.slice(i, i + n).join('')}`);
      }
    }
  }

  private visitCharGramIds(
    bounded: string,
    mask: Uint8Array,
    seen: (id: number, content: boolean) => void,
    unseen: (feature: string) => void,
  ): void {
    const { charMinN, charMaxN } = this.settings;
    const trie = this.charGrams;
    for (let i = 0; i < bounded.length; i++) {
      let node = GramTrie.ROOT;
      let content = false;
      for (let n = 1; n <= charMaxN && i + n <= bounded.length; n++) {
        const k = i + n - 1;
        content ||= mask[k] === 1;
        node = node < 0 ? -1 : trie.child(node, bounded.charCodeAt(k));
        if (n < charMinN) continue;
        // A boundary marker alone carries nothing (longer grams always hold a letter).
        if (n === 1 && bounded[i] === ' ') continue;
        const id = node < 0 ? -1 : trie.featureOf(node);
        if (id >= 0) seen(id, content);
        else unseen(`c ${bounded.substring(i, i + n)}`);
      }
    }
  }

}

/**
 * The n-grams of a vocabulary as a trie over character codes, so that the n-grams starting at one
 * position are looked up in one walk, without building their names. Every prefix of a kept n-gram
 * has a node; featureOf is -1 for a prefix that is not itself a kept feature. The edges live in
 * one open-addressing hash table of typed arrays (a Map per node cost most of the walk).
 */
class GramTrie {
  static readonly ROOT = 0;
  private building: Map<number, number>[] | null = [new Map()];
  private readonly features: number[] = [-1];
  private mask = 0;
  private edgeNodes = new Int32Array(0);
  private edgeCodes = new Int32Array(0);
  private edgeTargets = new Int32Array(0);

  add(codes: readonly number[], feature: number): void {
    const building = this.building!;
    let node = GramTrie.ROOT;
    for (const code of codes) {
      let next = building[node]!.get(code);
      if (next === undefined) {
        next = this.features.length;
        building.push(new Map());
        this.features.push(-1);
        building[node]!.set(code, next);
      }
      node = next;
    }
    this.features[node] = feature;
  }

  /** Moves the edges into the hash table; add() may not be called after. */
  seal(): void {
    const building = this.building!;
    const edges = building.reduce((n, children) => n + children.size, 0);
    let size = 16;
    while (size < edges * 2) size *= 2;
    this.mask = size - 1;
    this.edgeNodes = new Int32Array(size).fill(-1);
    this.edgeCodes = new Int32Array(size);
    this.edgeTargets = new Int32Array(size);
    building.forEach((children, node) => {
      for (const [code, target] of children) {
        let slot = slotOf(node, code) & this.mask;
        while (this.edgeNodes[slot] !== -1) slot = (slot + 1) & this.mask;
        this.edgeNodes[slot] = node;
        this.edgeCodes[slot] = code;
        this.edgeTargets[slot] = target;
      }
    });
    this.building = null;
  }

  /** The node after `node` on `code`, or -1. */
  child(node: number, code: number): number {
    const { edgeNodes, edgeCodes, mask } = this;
    for (let slot = slotOf(node, code) & mask; ; slot = (slot + 1) & mask) {
      const at = edgeNodes[slot]!;
      if (at === -1) return -1;
      if (at === node && edgeCodes[slot] === code) return this.edgeTargets[slot]!;
    }
  }

  featureOf(node: number): number {
    return this.features[node]!;
  }
}

function slotOf(node: number, code: number): number {
  return Math.imul(node * 0x10000 + code, 0x9e3779b1) >>> 7;
}
