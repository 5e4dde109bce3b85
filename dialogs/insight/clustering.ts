// Groups the messages the bot did not understand by similarity, so a trainer teaches a topic once
// instead of message by message. Character n-grams (1–3, after phrase normalisation) weighted by
// TF-IDF and compared by cosine: n-grams need no word segmentation, so Chinese and English go
// through the same code. Single-link clustering with a threshold, over messages in a fixed order
// (text, then time): the same input always gives the same clusters, ids and order.

import { createHash } from 'node:crypto';
import type { MisunderstoodMessage } from './insight-store.ts';
import { normalisePhrase } from './phrases.ts';

export interface MessageCluster {
  /** Stable for the same member texts: the trainer's choice refers to it. */
  id: string;
  /** Distinct normalised texts, most frequent first. */
  examples: string[];
  /** How many messages (repeats included). */
  size: number;
  lastAt: number;
  languages: string[];
}

export interface ClusterOptions {
  /** Cosine similarity at or above which two messages belong together (0..1). */
  threshold: number;
  /** Examples shown per cluster. */
  maxExamples?: number;
  /**
   * Typical buyer messages (the flows' training examples) that say how common an n-gram is. Without
   * them the misunderstood messages alone decide, and a handful about one topic share its words, so
   * those words look common and weigh least: "你们有实体店吗", "实体店在哪里" and "有没有实体店可以去试穿"
   * stayed apart on 有/吗/哪里 while 实体店 counted for little. Among thousands of buyer messages
   * 你们/有/吗 are everywhere and 实体店 is rare, which is what a topic word looks like.
   */
  background?: readonly string[];
}

type Vector = Map<string, number>;

function grams(text: string): string[] {
  const chars = [...text.replace(/\s+/g, ' ')];
  const out: string[] = [];
  for (let n = 1; n <= 3; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      const gram = chars.slice(i, i + n).join('');
      if (gram.trim() === gram && gram !== '') out.push(gram);
    }
  }
  return out;
}

function cosine(a: Vector, b: Vector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [key, value] of small) dot += value * (large.get(key) ?? 0);
  return dot;
}

// The background's n-gram counts, worked out once per list (the flows' examples change only on a reload).
const backgrounds = new WeakMap<readonly string[], { documents: number; frequency: Map<string, number> }>();

function backgroundFrequency(texts: readonly string[]): { documents: number; frequency: Map<string, number> } {
  let counted = backgrounds.get(texts);
  if (counted) return counted;
  counted = { documents: 0, frequency: new Map() };
  for (const text of texts) {
    const normalised = normalisePhrase(text);
    if (!normalised) continue;
    counted.documents += 1;
    for (const gram of new Set(grams(normalised))) counted.frequency.set(gram, (counted.frequency.get(gram) ?? 0) + 1);
  }
  backgrounds.set(texts, counted);
  return counted;
}

export function clusterMessages(messages: readonly MisunderstoodMessage[], options: ClusterOptions): MessageCluster[] {
  // One entry per distinct normalised text, with its repeats.
  const byText = new Map<string, { text: string; count: number; lastAt: number; languages: Set<string> }>();
  for (const message of messages) {
    const text = normalisePhrase(message.text);
    if (!text) continue;
    const entry = byText.get(text) ?? { text, count: 0, lastAt: 0, languages: new Set<string>() };
    entry.count += 1;
    entry.lastAt = Math.max(entry.lastAt, message.at);
    entry.languages.add(message.language);
    byText.set(text, entry);
  }
  const entries = [...byText.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  if (entries.length === 0) return [];

  const termCounts = entries.map((e) => {
    const counts = new Map<string, number>();
    for (const gram of grams(e.text)) counts.set(gram, (counts.get(gram) ?? 0) + 1);
    return counts;
  });
  const documentFrequency = new Map<string, number>();
  for (const counts of termCounts) for (const gram of counts.keys()) documentFrequency.set(gram, (documentFrequency.get(gram) ?? 0) + 1);
  const background = options.background ? backgroundFrequency(options.background) : { documents: 0, frequency: new Map<string, number>() };
  for (const [gram, count] of background.frequency) if (documentFrequency.has(gram)) documentFrequency.set(gram, documentFrequency.get(gram)! + count);
  const documents = entries.length + background.documents;
  const vectors: Vector[] = termCounts.map((counts) => {
    const vector: Vector = new Map();
    let norm = 0;
    for (const [gram, tf] of counts) {
      // Smoothed IDF: a gram in every message still counts a little.
      const weight = (1 + Math.log(tf)) * (1 + Math.log((1 + documents) / (1 + documentFrequency.get(gram)!)));
      vector.set(gram, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [gram, weight] of vector) vector.set(gram, weight / norm);
    return vector;
  });

  // Union-find over pairs at or above the threshold (single link).
  const parent = entries.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      if (cosine(vectors[i]!, vectors[j]!) >= options.threshold) {
        const [a, b] = [find(i), find(j)];
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const groups = new Map<number, number[]>();
  entries.forEach((_, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  });

  const maxExamples = options.maxExamples ?? 10;
  const clusters = [...groups.values()].map((members): MessageCluster => {
    const sorted = members.map((i) => entries[i]!).sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : 1));
    const allTexts = sorted.map((e) => e.text);
    return {
      id: createHash('sha256').update([...allTexts].sort().join('\n')).digest('hex').slice(0, 12),
      examples: allTexts.slice(0, maxExamples),
      size: sorted.reduce((sum, e) => sum + e.count, 0),
      lastAt: Math.max(...sorted.map((e) => e.lastAt)),
      languages: [...new Set(sorted.flatMap((e) => [...e.languages]))].sort(),
    };
  });
  return clusters.sort((a, b) => b.size - a.size || (a.id < b.id ? -1 : 1));
}

/** Every normalised text of a cluster (not only the examples shown), to forget once taught. */
export function clusterMembers(messages: readonly MisunderstoodMessage[], cluster: MessageCluster, options: ClusterOptions): string[] {
  const all = clusterMessages(messages, { ...options, maxExamples: Number.MAX_SAFE_INTEGER });
  return all.find((c) => c.id === cluster.id)?.examples ?? [];
}
