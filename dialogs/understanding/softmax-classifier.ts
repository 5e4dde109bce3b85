// A multinomial logistic regression (softmax) classifier over sparse vectors, trained by
// stochastic gradient descent.
//
// Why this classifier: on TF-IDF n-grams a linear model is as accurate as anything that trains in
// seconds without a GPU, and the softmax gives every intent a probability, which is what a
// "did we understand?" threshold needs (an SVM's margins would need a separate calibration).
// SGD touches only the rows of the features a message has, so a pass over 15,000 examples takes
// about a second; the example order comes from a seeded generator, so the same examples always
// give the same model.
//
// Weights are stored feature-major (all classes of one feature side by side), so scoring a
// message reads one contiguous row per feature it has.

import type { SparseVector } from './text-features.ts';

export interface SoftmaxTrainingOptions {
  /** Passes over the training examples. */
  epochs: number;
  /** Initial step size; it decays as 1 / (1 + rate · l2 · step). */
  learningRate: number;
  /** L2 penalty on the weights (not the biases). */
  l2: number;
  /** The weights returned are the mean of the end-of-pass weights from this pass on (0-based). */
  averageFrom: number;
  /** Seeds the shuffling of the examples. */
  seed: number;
  /**
   * How much each example's step counts (default 1 for all): a class with many more examples than
   * the others (the learned out-of-scope class) can be weighed down so it does not win near ties.
   */
  exampleWeights?: ArrayLike<number>;
}

export const DEFAULT_SOFTMAX_TRAINING: Readonly<SoftmaxTrainingOptions> = {
  epochs: 10,
  learningRate: 2,
  l2: 1e-7,
  averageFrom: 3,
  seed: 20240607,
};

// Classes whose gradient is smaller than this are not updated: they would barely move, and
// skipping them is most of the speed once the model fits.
const GRADIENT_FLOOR = 1e-4;

export class SoftmaxClassifier {
  private constructor(
    readonly classCount: number,
    private readonly weights: Float32Array,
    private readonly biases: Float64Array,
  ) {}

  /** Trains on `vectors[i]` labelled `labels[i]` (0 ≤ label < classCount). */
  static train(
    vectors: readonly SparseVector[],
    labels: ArrayLike<number>,
    classCount: number,
    featureCount: number,
    options: Readonly<SoftmaxTrainingOptions> = DEFAULT_SOFTMAX_TRAINING,
  ): SoftmaxClassifier {
    const C = classCount;
    const n = vectors.length;
    const weights = new Float32Array(featureCount * C);
    const biases = new Float64Array(C);
    const averaging = options.averageFrom < options.epochs;
    const weightSum = averaging ? new Float64Array(featureCount * C) : null;
    const biasSum = new Float64Array(C);
    let averaged = 0;
    // The true weights are `scale * weights`: the L2 shrink of every weight is then one multiply.
    let scale = 1;
    let step = 0;
    const logits = new Float64Array(C);
    const gradient = new Float64Array(C);
    const active = new Int32Array(C);
    const activeGradient = new Float64Array(C);
    const order = Int32Array.from({ length: n }, (_, i) => i);
    const random = seededRandom(options.seed);

    for (let epoch = 0; epoch < options.epochs; epoch++) {
      shuffle(order, random);
      for (let o = 0; o < n; o++) {
        const example = order[o]!;
        const { indices, values } = vectors[example]!;
        const label = labels[example]!;
        const decayed = options.learningRate / (1 + options.learningRate * options.l2 * step);
        const rate = decayed * (options.exampleWeights?.[example] ?? 1);

        logits.set(biases);
        accumulateRows(weights, C, indices, values, scale, logits);
        softmaxInPlace(logits, gradient);
        gradient[label]! -= 1;

        let activeCount = 0;
        for (let c = 0; c < C; c++) {
          const g = gradient[c]!;
          if (g > GRADIENT_FLOOR || g < -GRADIENT_FLOOR) {
            active[activeCount] = c;
            activeGradient[activeCount++] = g;
            biases[c]! -= rate * g;
          }
        }
        scale *= 1 - decayed * options.l2;
        const stepSize = rate / scale;
        for (let k = 0; k < indices.length; k++) {
          const row = indices[k]! * C;
          const v = values[k]! * stepSize;
          for (let a = 0; a < activeCount; a++) weights[row + active[a]!]! -= v * activeGradient[a]!;
        }
        if (scale < 1e-6) {
          for (let i = 0; i < weights.length; i++) weights[i]! *= scale;
          scale = 1;
        }
        step++;
      }
      if (weightSum !== null && epoch >= options.averageFrom) {
        for (let i = 0; i < weights.length; i++) weightSum[i]! += weights[i]! * scale;
        for (let c = 0; c < C; c++) biasSum[c]! += biases[c]!;
        averaged++;
      }
    }

    if (weightSum !== null && averaged > 0) {
      for (let i = 0; i < weights.length; i++) weights[i] = weightSum[i]! / averaged;
      for (let c = 0; c < C; c++) biases[c] = biasSum[c]! / averaged;
    } else if (scale !== 1) {
      for (let i = 0; i < weights.length; i++) weights[i]! *= scale;
    }
    return new SoftmaxClassifier(C, weights, biases);
  }

  /** Writes the class scores (logits) of `vector` into `out` (length classCount). */
  logits(vector: SparseVector, out: Float64Array): void {
    out.set(this.biases);
    accumulateRows(this.weights, this.classCount, vector.indices, vector.values, 1, out);
  }

  /** The class probabilities of `vector`; `temperature` > 1 flattens them, < 1 sharpens them. */
  probabilities(vector: SparseVector, temperature = 1): Float64Array {
    const scores = new Float64Array(this.classCount);
    this.logits(vector, scores);
    if (temperature !== 1) for (let c = 0; c < scores.length; c++) scores[c]! /= temperature;
    softmaxInPlace(scores, scores);
    return scores;
  }
}

/** out[c] += scale · Σ_k values[k] · weights[indices[k]][c], unrolled because it is the hot loop. */
function accumulateRows(
  weights: Float32Array,
  C: number,
  indices: Int32Array,
  values: Float32Array,
  scale: number,
  out: Float64Array,
): void {
  for (let k = 0; k < indices.length; k++) {
    const row = indices[k]! * C;
    const v = values[k]! * scale;
    let c = 0;
    for (; c + 3 < C; c += 4) {
      out[c]! += v * weights[row + c]!;
      out[c + 1]! += v * weights[row + c + 1]!;
      out[c + 2]! += v * weights[row + c + 2]!;
      out[c + 3]! += v * weights[row + c + 3]!;
    }
    for (; c < C; c++) out[c]! += v * weights[row + c]!;
  }
}

/** Softmax of `scores` into `out` (may be the same array), stable for large scores. */
export function softmaxInPlace(scores: Float64Array, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < scores.length; c++) if (scores[c]! > max) max = scores[c]!;
  let sum = 0;
  for (let c = 0; c < scores.length; c++) {
    const e = Math.exp(scores[c]! - max);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < out.length; c++) out[c]! /= sum;
}

/** mulberry32: a small, fast generator; all that matters here is that it is seeded. */
function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(order: Int32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}
