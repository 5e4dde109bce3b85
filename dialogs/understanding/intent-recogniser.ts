// Recognises which of the merchant's intents a buyer's message expresses, or that it expresses
// none of them (then the bot asks the buyer to say it another way).
//
// Method, and why:
// - Features (text-features.ts): text is normalised (full-width, Traditional → Simplified, case,
//   punctuation, emoji, digits), then Han text gives character 1–3-grams (no word segmenter to
//   ship or get wrong) and other text gives word unigrams and bigrams plus character 1–4-grams with
//   spaces marking word boundaries (a misspelt word still shares most of its n-grams). Weighted
//   by TF-IDF with sublinear tf and unit length.
// - Classifier (softmax-classifier.ts): multinomial logistic regression trained by SGD at load
//   time, in a seeded order, so the same examples always give the same model. A linear model on
//   character n-grams is about as accurate as intent classification gets without a pretrained
//   language model, trains on a few hundred examples in milliseconds, and needs no download or
//   native code. Figures on the public sets, and the commands that measure them: docs/nlu.md.
// - Confidence: the softmax probability p of the best intent says which intent is likeliest
//   *if* the message is about one of them; it cannot say that the message is about none. Three
//   things make the confidence meaningful for a fixed threshold:
//   1. p is measured against chance: log(p·C) / log(C), 0 when p is no better than guessing among
//      C intents, 1 when certain, so the same threshold suits 6 intents and 150.
//   2. It is scaled by how familiar the message looks: the square root of its cosine similarity to
//      the nearest training example of that intent, relative to how similar the merchant's own
//      examples of an intent are to each other (leave-one-out; capped at 1). The similarity is
//      taken on content-focused vectors, where function words and numbers weigh half and single
//      letters are left out (text-features.ts): "what's the capital of france" shares "what", "the", "of" with "what is
//      it made of", which is not being about the same thing. The classifier itself keeps their full
//      weight: "where is" and "how do" do tell intents apart (weighing them half in the classifier
//      cost CLINC150 a point of accuracy).
//   3. A message made mostly of numbers ("123 456 789", "31 47 2026") loses confidence in
//      proportion: every number is the same placeholder, so such a message would otherwise look
//      like the intent whose examples carry numbers (body measurements).
//   Unseen n-grams still count towards a message's length (text-features.ts), so a message that is
//   mostly new to the model has weak features and a low probability too.
// - Out of scope as a class: examples labelled `out_of_scope` (the shipped base has a few hundred:
//   chit-chat, logins, other trades, bare numbers) are learned as one more class, so the boundary
//   between "about the shop" and "about nothing the shop does" is learned from examples, not only
//   from the threshold. When that class is clearly the classifier's best (OUT_OF_SCOPE_MARGIN),
//   the message is declined (intent null) whatever the confidence of the best intent; short of
//   that, every intent's confidence is scaled by √(1 − p(out_of_scope)), and a message whose nearest
//   out-of-scope example is clearly closer than any of the best intent's is declined. It never appears in the
//   ranking.
// - Keywords are the merchant's override for what must always work ("转人工", "算了"): if one
//   appears in the message, its intent wins with confidence at least 0.9 (and never below the
//   classifier's best, so the ranking stays sorted).

import {
  DEFAULT_FEATURE_SETTINGS,
  normaliseText,
  TfIdfVocabulary,
  type SparseVector,
} from './text-features.ts';
import { DEFAULT_SOFTMAX_TRAINING, SoftmaxClassifier, softmaxInPlace } from './softmax-classifier.ts';

export interface TrainingExample {
  text: string;
  intent: string;
}

export interface IntentScore {
  intent: string;
  /** 0..1 */
  confidence: number;
}

export interface Recognition {
  intent: string | null;
  confidence: number;
  /** Best first, at most 5. */
  ranking: IntentScore[];
}

export interface RecogniserOptions {
  /**
   * Below this confidence the recogniser answers null. Default: DEFAULT_THRESHOLD, or
   * THRESHOLD_WITH_OUT_OF_SCOPE when out-of-scope examples are learned.
   */
  threshold?: number;
  /** Per intent, phrases that decide the intent whenever they appear in a message. */
  keywords?: Record<string, string[]>;
}

/** The threshold when nothing but the threshold tells "none of the intents" (no out-of-scope examples learned). */
export const DEFAULT_THRESHOLD = 0.5;
/**
 * The threshold when out-of-scope examples are learned, as the bot always does with the shipped base.
 * Then the out-of-scope class, the nearest-example check and √(1 − p) already decline what is about
 * none of the intents, and a threshold of 0.5 on top declined one real buyer's question in five that
 * the bot would have answered right (worded unlike any example: long grievances, product details).
 * 0.35 keeps out-of-scope recall above 0.75 on the dev sets (docs/nlu.md, "Choosing the settings");
 * what it still declines gets the "did you mean" buttons.
 */
export const THRESHOLD_WITH_OUT_OF_SCOPE = 0.35;
/** Examples with this label teach what none of the intents is; the recogniser never answers it. */
export const OUT_OF_SCOPE_INTENT = 'out_of_scope';
/** The least confidence a keyword match gets. */
export const KEYWORD_CONFIDENCE = 0.9;
const RANKING_SIZE = 5;
// The weight table is features × intents; this bounds it (see TfIdfVocabulary.fit).
const MAX_FEATURES = 30000;
// Enough SGD steps for a few hundred examples to fit (more would make unrelated text look sure
// too); large sets get the default passes.
const MIN_TRAINING_STEPS = 5000;
const MAX_EPOCHS = 100;
// Which leave-one-out similarity counts as "as familiar as the merchant's own examples": a low
// quantile, so a message as close to the examples as most of them are to each other keeps its
// full probability. Tuned on CLINC150's validation split (see the header).
const FAMILIAR_QUANTILE = 0.15;
// With too few examples to measure it, this is the similarity taken as familiar, and it is never
// taken lower than the minimum: with a few dozen varied examples an intent, the leave-one-out
// quantile is low and would make off-topic messages look familiar. 0.35 lies under what CLINC150's
// examples give (about 0.38), so it only binds for small taxonomies like the demo shop's.
const FALLBACK_FAMILIAR_SIMILARITY = 0.4;
const MIN_FAMILIAR_SIMILARITY = 0.35;

// The learned out-of-scope class declines a message when it is this many times likelier than the
// best intent: it is one class standing for everything else, trained on more examples than most
// intents, so a near tie is left to the intent's confidence and the threshold.
const OUT_OF_SCOPE_MARGIN = 2;
// A message whose nearest out-of-scope example is this many times as similar as the nearest
// example of the best intent is declined (see rank()). Above 1 so that a message about as close to
// both is left to the classifier and the threshold. Picked with the dev sets' macro F1 and the demo
// held-out file (docs/nlu.md, "Choosing the settings"); it only applies when out of scope is learned.
const NEAREST_OUT_OF_SCOPE_MARGIN = 1.2;

interface Keyword {
  phrase: string;
  /** As the merchant wrote it, for reports. */
  written: string;
  length: number;
  intent: string;
  // Whether the phrase starts or ends with a letter or digit of a spaced script, where a match
  // must not be part of a longer word ("no" must not match "know").
  wordStart: boolean;
  wordEnd: boolean;
}

/**
 * An intent's training vectors as an inverted index: for each feature (ascending in `features`),
 * the examples that have it (postingStarts[i] up to postingStarts[i + 1] in postingExamples and
 * postingValues).
 */
interface PackedVectors {
  count: number;
  features: Int32Array;
  postingStarts: Int32Array;
  postingExamples: Int32Array;
  postingValues: Float32Array;
  /**
   * For each feature of the vocabulary, its position in `features`, or -1: a message's features
   * are found in one step each (a binary search each was a third of the nearest-example search).
   */
  positionOf: Int32Array;
  /** Example j's own vector (for the leave-one-out similarity). */
  vector(j: number): SparseVector;
}

interface TrainedModel {
  vocabulary: TfIdfVocabulary;
  classifier: SoftmaxClassifier;
  /** The intents the classifier knows, by class index. */
  classes: readonly string[];
  /** Training vectors of each class, for the nearest-example similarity. */
  examplesByClass: readonly PackedVectors[];
  familiarSimilarity: number;
  /** The class index of OUT_OF_SCOPE_INTENT, -1 when nothing was labelled so. */
  outOfScopeClass: number;
}

export class IntentRecogniser {
  /** Every intent the recogniser can answer, sorted. */
  readonly intents: readonly string[];
  private readonly scratch: Float64Array;
  private readonly logits: Float64Array;
  /**
   * The keywords (their positions in `keywords`) by their first two character codes
   * (code · 65536 + next), or −1 − code for a keyword of one character.
   */
  private readonly keywordsByStart = new Map<number, number[]>();
  // Reused by findKeyword (which never awaits): the starts already looked up in this message.
  private readonly startsSeen = new Set<number>();

  private constructor(
    private readonly model: TrainedModel | null,
    private readonly keywords: readonly Keyword[],
    /** Below this confidence a message is declined (the given one, or the default for what was learned). */
    readonly threshold: number,
  ) {
    const all = new Set<string>([...(model?.classes ?? []), ...keywords.map((k) => k.intent)]);
    all.delete(OUT_OF_SCOPE_INTENT);
    this.intents = Object.freeze([...all].sort(compareStrings));
    this.scratch = new Float64Array(Math.max(0, ...(model?.examplesByClass ?? []).map((e) => e.count)));
    keywords.forEach((keyword, k) => {
      const { phrase } = keyword;
      const start = phrase.length === 1 ? -1 - phrase.charCodeAt(0) : phrase.charCodeAt(0) * 0x10000 + phrase.charCodeAt(1);
      const starting = this.keywordsByStart.get(start);
      if (starting === undefined) this.keywordsByStart.set(start, [k]);
      else starting.push(k);
    });
    this.logits = new Float64Array(model?.classes.length ?? 0);
  }

  static train(examples: TrainingExample[], options: RecogniserOptions = {}): IntentRecogniser {
    const { threshold, keywords } = options ?? {};
    const model = trainModel(examples);
    const byDefault = model !== null && model.outOfScopeClass >= 0 ? THRESHOLD_WITH_OUT_OF_SCOPE : DEFAULT_THRESHOLD;
    const usableThreshold = typeof threshold === 'number' && Number.isFinite(threshold) ? Math.min(1, Math.max(0, threshold)) : byDefault;
    return new IntentRecogniser(model, prepareKeywords(keywords), usableThreshold);
  }

  /**
   * The merchant's keyword that decides this text whatever the classifier says, if any: how
   * `flows validate` finds examples and keywords of one intent that another intent's keyword takes.
   */
  keywordDeciding(text: string): { intent: string; keyword: string } | null {
    const keyword = this.findKeyword(normaliseText(text));
    return keyword === null ? null : { intent: keyword.intent, keyword: keyword.written };
  }

  recognise(text: string): Recognition {
    const normalised = normaliseText(typeof text === 'string' ? text : '');
    const { ranking, declined, nearOutOfScope } = this.rank(normalised);
    const keyword = this.findKeyword(normalised);
    if (keyword !== null) {
      const best = Math.max(KEYWORD_CONFIDENCE, ranking[0]?.confidence ?? 0);
      const others = ranking.filter((s) => s.intent !== keyword.intent).slice(0, RANKING_SIZE - 1);
      return { intent: keyword.intent, confidence: best, ranking: [{ intent: keyword.intent, confidence: best }, ...others] };
    }
    const top = ranking[0];
    if (top === undefined) return { intent: null, confidence: 0, ranking };
    if (declined || top.confidence < this.threshold) return { intent: null, confidence: top.confidence, ranking };
    // Only a message about to be answered pays for the search among the out-of-scope examples.
    if (nearOutOfScope()) return { intent: null, confidence: top.confidence, ranking };
    return { intent: top.intent, confidence: top.confidence, ranking };
  }

  /**
   * The classifier's view: up to 5 intents with confidence above 0, best first, and whether the
   * learned out-of-scope class beat them all.
   */
  private rank(normalised: string): { ranking: IntentScore[]; declined: boolean; nearOutOfScope: () => boolean } {
    const model = this.model;
    if (model === null || normalised === '') return { ranking: [], declined: false, nearOutOfScope: never };
    // Transient: nothing keeps the vector past this message (nearOutOfScope runs within recognise).
    const vector = model.vocabulary.vectorise(normalised, true);
    if (vector.indices.length === 0) return { ranking: [], declined: false, nearOutOfScope: never };

    const probabilities = this.logits;
    model.classifier.logits(vector, probabilities);
    softmaxInPlace(probabilities, probabilities);
    const top = topClasses(probabilities, RANKING_SIZE + 1);
    const second = top[1];
    const declined =
      top[0] === model.outOfScopeClass && (second === undefined || probabilities[top[0]]! >= OUT_OF_SCOPE_MARGIN * probabilities[second]!);
    const order = top.filter((c) => c !== model.outOfScopeClass).slice(0, RANKING_SIZE);
    const best = order[0];
    if (best === undefined) return { ranking: [], declined, nearOutOfScope: never };
    const nearestOfBest = this.nearestSimilarity(vector.contentFocused, best);
    // The classifier weighs every n-gram it has seen; the nearest example looks at the message as a
    // whole. When an out-of-scope example is clearly closer than any example of the best intent
    // ("what is the weather like" beside "whats the weather today", not "is it good for hot
    // weather"), the message is declined even if the classifier leans to the intent.
    const nearOutOfScope = (): boolean =>
      model.outOfScopeClass >= 0 &&
      this.nearestSimilarity(vector.contentFocused, model.outOfScopeClass) > NEAREST_OUT_OF_SCOPE_MARGIN * nearestOfBest;
    const familiarity = Math.min(1, nearestOfBest / model.familiarSimilarity);
    // A message made mostly of numbers ("123 456", "31 47 2026") is about nothing in particular.
    const words = Math.min(1, vector.wordShare / WORD_SHARE_FLOOR);
    // What the learned out-of-scope class takes is doubt about every intent: "what is the weather
    // like" may lean to product details, but not if "none of them" is nearly as likely. The square
    // root: the class and the nearest-example check above already decline what is clearly none of
    // them, so the full (1 − p) counted that doubt twice and declined real buyers' questions worded
    // unlike any example (dev sets: +1 to +3 points of accuracy, out-of-scope recall still ≥ 0.84;
    // docs/nlu.md, "Choosing the settings").
    const outOfScope = model.outOfScopeClass >= 0 ? probabilities[model.outOfScopeClass]! : 0;
    const scale = Math.sqrt(familiarity) * words * Math.sqrt(1 - outOfScope);

    const C = model.classes.length;
    const ranking: IntentScore[] = [];
    for (const c of order) {
      const p = probabilities[c]!;
      const againstChance = C > 1 ? Math.max(0, Math.log(p * C) / Math.log(C)) : 1;
      const confidence = clamp01(againstChance * scale);
      if (confidence > 0) ranking.push({ intent: model.classes[c]!, confidence });
    }
    return { ranking, declined, nearOutOfScope };
  }

  /** Cosine similarity of `vector` to the closest training example of class `c`. */
  private nearestSimilarity(vector: SparseVector, c: number): number {
    return nearestSimilarity(vector, this.model!.examplesByClass[c]!, this.scratch, -1);
  }

  /** The longest keyword in the message (on a tie, the first intent by name). */
  private findKeyword(normalised: string): Keyword | null {
    // Only a keyword whose first two characters stand together in the message can match: the
    // message's character pairs pick the candidates, which are then tried in the keywords' order
    // (longest first). Looking each keyword up in the whole message took a tenth of the time an
    // English message takes.
    const candidates: number[] = [];
    const seen = this.startsSeen;
    for (let i = 0; i < normalised.length; i++) {
      const code = normalised.charCodeAt(i);
      const single = this.keywordsByStart.get(-1 - code);
      if (single !== undefined && !seen.has(-1 - code)) {
        seen.add(-1 - code);
        for (const k of single) candidates.push(k);
      }
      if (i + 1 === normalised.length) break;
      const pair = code * 0x10000 + normalised.charCodeAt(i + 1);
      const starting = this.keywordsByStart.get(pair);
      if (starting !== undefined && !seen.has(pair)) {
        seen.add(pair);
        for (const k of starting) candidates.push(k);
      }
    }
    seen.clear();
    candidates.sort((a, b) => a - b);
    for (const k of candidates) {
      const keyword = this.keywords[k]!;
      if (containsPhrase(normalised, keyword)) return keyword;
    }
    return null;
  }
}

const never = (): boolean => false;

// Below this share of words (not numbers) in a message's length, confidence falls in proportion.
const WORD_SHARE_FLOOR = 0.5;

function trainModel(examples: TrainingExample[]): TrainedModel | null {
  const byText = new Map<string, { normalised: string; intent: string }>();
  for (const example of Array.isArray(examples) ? examples : []) {
    if (typeof example?.text !== 'string' || typeof example.intent !== 'string') continue;
    const intent = example.intent.trim();
    const normalised = normaliseText(example.text);
    if (intent === '' || normalised === '') continue;
    // The same phrasing twice teaches nothing new and would make intents look more self-similar.
    byText.set(`${intent}\u0000${normalised}`, { normalised, intent });
  }
  const usable = [...byText.values()];
  if (usable.length === 0) return null;

  const classes = [...new Set(usable.map((e) => e.intent))].sort(compareStrings);
  const classOf = new Map(classes.map((intent, c) => [intent, c]));
  const texts = usable.map((e) => e.normalised);
  const vocabulary = TfIdfVocabulary.fit(texts, DEFAULT_FEATURE_SETTINGS, MAX_FEATURES);
  const vectors = texts.map((t) => vocabulary.vectorise(t));
  const focused = vectors.map((v) => v.contentFocused);
  const labels = Int32Array.from(usable, (e) => classOf.get(e.intent)!);
  const epochs = Math.min(
    MAX_EPOCHS,
    Math.max(DEFAULT_SOFTMAX_TRAINING.epochs, Math.ceil(MIN_TRAINING_STEPS / vectors.length)),
  );
  const outOfScopeClass = classes.indexOf(OUT_OF_SCOPE_INTENT);
  const classifier = SoftmaxClassifier.train(vectors, labels, classes.length, vocabulary.size, {
    ...DEFAULT_SOFTMAX_TRAINING,
    epochs,
    averageFrom: Math.floor(epochs * 0.3),
    exampleWeights: classWeights(labels, classes.length, outOfScopeClass),
  });
  // Familiarity is judged on the content-focused vectors: sharing "what is the" with an example is
  // not being about the same thing.
  const examplesByClass = classes.map((_, c) => pack(focused.filter((_, i) => labels[i] === c), vocabulary.size));
  return {
    vocabulary,
    classifier,
    classes,
    examplesByClass,
    // Out-of-scope examples are many unrelated things: how close they are to each other says
    // nothing about how familiar an intent's message looks.
    familiarSimilarity: familiarSimilarity(examplesByClass.filter((_, c) => classes[c] !== OUT_OF_SCOPE_INTENT)),
    outOfScopeClass,
  };
}

// No class weighs, in all, more than a median intent (the out-of-scope class: this many times
// that): an intent with three times the examples of another, or the one class standing for
// everything else, would otherwise win near ties on shared words ("is the", "how do i", "帮我").
const OUT_OF_SCOPE_CLASS_WEIGHT = 2.5;

/** Per-example weights that cap each class's total weight; undefined when all weigh 1. */
function classWeights(labels: Int32Array, classCount: number, outOfScopeClass: number): Float64Array | undefined {
  const counts = new Array<number>(classCount).fill(0);
  for (const label of labels) counts[label]!++;
  const intents = counts.filter((_, c) => c !== outOfScopeClass).sort((x, y) => x - y);
  if (intents.length === 0) return undefined;
  const median = intents[Math.floor((intents.length - 1) / 2)]!;
  const weightOf = counts.map((n, c) => Math.min(1, ((c === outOfScopeClass ? OUT_OF_SCOPE_CLASS_WEIGHT : 1) * median) / Math.max(1, n)));
  if (weightOf.every((w) => w === 1)) return undefined;
  return Float64Array.from(labels, (label) => weightOf[label]!);
}

function pack(vectors: readonly SparseVector[], featureCount: number): PackedVectors {
  const offsets = new Int32Array(vectors.length + 1);
  vectors.forEach((v, j) => (offsets[j + 1] = offsets[j]! + v.indices.length));
  const indices = new Int32Array(offsets[vectors.length]!);
  const values = new Float32Array(indices.length);
  vectors.forEach((v, j) => {
    indices.set(v.indices, offsets[j]);
    values.set(v.values, offsets[j]);
  });
  // The same entries ordered by feature (a counting sort: feature ids are dense and bounded), each
  // feature's entries in example order: for each feature, which examples have it and how much.
  const perFeature = new Int32Array(featureCount + 1);
  for (let k = 0; k < indices.length; k++) perFeature[indices[k]! + 1]!++;
  const positionOf = new Int32Array(featureCount).fill(-1);
  const features: number[] = [];
  const postingStarts: number[] = [];
  for (let f = 0; f < featureCount; f++) {
    if (perFeature[f + 1]! > 0) {
      positionOf[f] = features.length;
      features.push(f);
      postingStarts.push(perFeature[f]!);
    }
    perFeature[f + 1]! += perFeature[f]!;
  }
  postingStarts.push(indices.length);
  const postingExamples = new Int32Array(indices.length);
  const postingValues = new Float32Array(indices.length);
  const next = perFeature.subarray(0, featureCount);
  for (let j = 0; j < vectors.length; j++) {
    for (let k = offsets[j]!; k < offsets[j + 1]!; k++) {
      const p = next[indices[k]!]!++;
      postingExamples[p] = j;
      postingValues[p] = values[k]!;
    }
  }
  return {
    count: vectors.length,
    positionOf,
    features: Int32Array.from(features),
    postingStarts: Int32Array.from(postingStarts),
    postingExamples,
    postingValues,
    vector: (j) => ({ indices: indices.subarray(offsets[j]!, offsets[j + 1]!), values: values.subarray(offsets[j]!, offsets[j + 1]!) }),
  };
}

/**
 * The largest dot product (cosine: all vectors have unit length or less) of `vector` with one of
 * `examples`, skipping example `skip`. It walks the examples' postings of the features the message
 * has, so a message costs what it shares with the examples, not the size of the intent. `dots` is
 * an all-zero scratch array at least as long as the intent's examples, left all zero again.
 */
function nearestSimilarity(vector: SparseVector, examples: PackedVectors, dots: Float64Array, skip: number): number {
  const { positionOf, postingStarts, postingExamples, postingValues } = examples;
  for (let k = 0; k < vector.indices.length; k++) {
    const at = positionOf[vector.indices[k]!]!;
    if (at < 0) continue;
    const q = vector.values[k]!;
    for (let p = postingStarts[at]!; p < postingStarts[at + 1]!; p++) dots[postingExamples[p]!]! += q * postingValues[p]!;
  }
  let best = 0;
  for (let j = 0; j < examples.count; j++) {
    if (j !== skip && dots[j]! > best) best = dots[j]!;
    dots[j] = 0;
  }
  return best;
}

/**
 * How similar an intent's examples are to the intent's other examples: each example's nearest
 * neighbour (leave one out), at the lower quartile over all examples.
 */
function familiarSimilarity(examplesByClass: readonly PackedVectors[]): number {
  const dots = new Float64Array(Math.max(0, ...examplesByClass.map((e) => e.count)));
  const nearest: number[] = [];
  for (const examples of examplesByClass) {
    if (examples.count < 2) continue;
    for (let j = 0; j < examples.count; j++) nearest.push(nearestSimilarity(examples.vector(j), examples, dots, j));
  }
  if (nearest.length < 4) return FALLBACK_FAMILIAR_SIMILARITY;
  nearest.sort((a, b) => a - b);
  const q = nearest[Math.floor(FAMILIAR_QUANTILE * (nearest.length - 1))]!;
  // Few, varied examples (a Chinese and an English phrasing share no n-gram) would make
  // anything look familiar; unrelated text seldom reaches this similarity to any example.
  return Math.max(q, MIN_FAMILIAR_SIMILARITY);
}

function prepareKeywords(keywords: Record<string, string[]> | undefined): Keyword[] {
  const prepared: Keyword[] = [];
  if (keywords === null || typeof keywords !== 'object') return prepared;
  for (const [rawIntent, phrases] of Object.entries(keywords)) {
    const intent = rawIntent.trim();
    if (intent === '' || !Array.isArray(phrases)) continue;
    for (const raw of phrases) {
      if (typeof raw !== 'string') continue;
      const phrase = normaliseText(raw);
      // Every number reads as the same placeholder: a keyword of digits alone ("88") would decide
      // every message holding any number. It is left out (flows validate warns about it).
      if (!/[^#\s]/.test(phrase)) continue;
      prepared.push({
        phrase,
        written: raw.trim(),
        length: [...phrase].length,
        intent,
        wordStart: SPACED_WORD_CHAR.test(phrase[0]!),
        wordEnd: SPACED_WORD_CHAR.test(phrase.at(-1)!),
      });
    }
  }
  // Longest first decides conflicts ("不算了" over "算了"); the intent name keeps ties stable.
  return prepared.sort((a, b) => b.length - a.length || compareStrings(a.intent, b.intent) || compareStrings(a.phrase, b.phrase));
}

// A character of a word in a script written with spaces (Han text has no word boundaries to keep).
const SPACED_WORD_CHAR = /[^\s\p{Script=Han}]/u;

function containsPhrase(text: string, keyword: Keyword): boolean {
  for (let at = text.indexOf(keyword.phrase); at !== -1; at = text.indexOf(keyword.phrase, at + 1)) {
    const before = text[at - 1];
    const after = text[at + keyword.phrase.length];
    const startsClean = !keyword.wordStart || before === undefined || !SPACED_WORD_CHAR.test(before);
    const endsClean = !keyword.wordEnd || after === undefined || !SPACED_WORD_CHAR.test(after);
    if (startsClean && endsClean) return true;
  }
  return false;
}

/** The indices of the `k` largest values, largest first (ties: lower index first). */
function topClasses(values: Float64Array, k: number): number[] {
  const top: number[] = [];
  for (let c = 0; c < values.length; c++) {
    const v = values[c]!;
    if (top.length === k && v <= values[top[k - 1]!]!) continue;
    let at = top.length === k ? k - 1 : top.length;
    while (at > 0 && values[top[at - 1]!]! < v) at--;
    top.splice(at, 0, c);
    if (top.length > k) top.pop();
  }
  return top;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
