// Reads a V8 .cpuprofile (written by `node --cpu-prof`, see `npm run bench -- --profile DIR`) and
// says where the busy time went: by area (a Kefu folder, an npm package, Node itself, the garbage
// collector) and by function, as self time (time on that frame itself, not its callees), so the
// figures add up to 100 % of the time the process was not idle.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  ms: number;
  /** Share of busy (not idle) time, 0-100. */
  percent: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  areas: ProfileShare[];
  functions: ProfileShare[];
  /** Kefu's own functions (not node_modules) with the time of everything they called. */
  ownFunctionsTotal: ProfileShare[];
}

const PROJECT_ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export function summarizeCpuProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  if (!Array.isArray(profile.nodes) || !Array.isArray(profile.samples) || !Array.isArray(profile.timeDeltas)) {
    throw new Error(`${file} is not a V8 CPU profile`);
  }
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const areaMs = new Map<string, number>();
  const functionMs = new Map<string, number>();
  const ownTotalMs = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  // timeDeltas[i] is the time between sample i-1 and sample i; it is charged to the frame that was
  // running when sample i was taken, which is how Chrome's profiler does it too.
  for (let i = 0; i < profile.samples.length; i += 1) {
    const node = byId.get(profile.samples[i] ?? -1);
    const us = Math.max(0, profile.timeDeltas[i] ?? 0);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const area = areaOf(functionName, url);
    areaMs.set(area, (areaMs.get(area) ?? 0) + us);
    const name = frameName(functionName, url, lineNumber);
    functionMs.set(name, (functionMs.get(name) ?? 0) + us);
    // Charge every distinct Kefu function on the stack once (recursion must not count twice).
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || !isOwnCode(frame.url)) continue;
      const own = frameName(frame.functionName, frame.url, frame.lineNumber);
      if (seen.has(own)) continue;
      seen.add(own);
      ownTotalMs.set(own, (ownTotalMs.get(own) ?? 0) + us);
    }
  }
  const shares = (map: Map<string, number>): ProfileShare[] =>
    [...map]
      .map(([name, us]) => ({ name, ms: us / 1000, percent: busyUs > 0 ? (100 * us) / busyUs : 0 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return {
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    areas: shares(areaMs),
    functions: shares(functionMs),
    ownFunctionsTotal: shares(ownTotalMs),
  };
}

/** "rank dialogs/understanding/intent-recogniser.ts" (tsx's transpiled code has no useful line numbers). */
function frameName(functionName: string, url: string, lineNumber: number): string {
  if (!url) return functionName || '(anonymous)';
  const file = shortUrl(url);
  const where = file.endsWith('.ts') || lineNumber <= 0 ? file : `${file}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'} ${where}`;
}

function isOwnCode(url: string): boolean {
  if (!url.startsWith('file://')) return false;
  const file = shortUrl(url);
  return !file.startsWith('/') && !file.includes('node_modules/');
}

/** "dialogs/engine", "npm:fastify", "node", "(garbage collector)". */
function areaOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node';
  const file = shortUrl(url);
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (packageMatch) return `npm:${packageMatch[1]}`;
  const parts = file.split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : (parts[0] ?? file);
}

function shortUrl(url: string): string {
  let file = url;
  if (url.startsWith('file://')) {
    try {
      file = fileURLToPath(url);
    } catch {
      return url;
    }
  }
  return file.startsWith(PROJECT_ROOT + path.sep) ? file.slice(PROJECT_ROOT.length + 1) : file;
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const total = summary.busyMs + summary.idleMs;
  const lines = [
    `busy ${summary.busyMs.toFixed(0)} ms of ${total.toFixed(0)} ms profiled (${total > 0 ? ((100 * summary.busyMs) / total).toFixed(0) : 0} %)`,
    'self time by area:',
    ...summary.areas.map((share) => `  ${share.percent.toFixed(1).padStart(5)} %  ${share.ms.toFixed(0).padStart(7)} ms  ${share.name}`),
    'self time by function:',
    ...summary.functions.map((share) => `  ${share.percent.toFixed(1).padStart(5)} %  ${share.ms.toFixed(0).padStart(7)} ms  ${share.name}`),
    "Kefu's own functions, total time including what they call:",
    ...summary.ownFunctionsTotal.map((share) => `  ${share.percent.toFixed(1).padStart(5)} %  ${share.ms.toFixed(0).padStart(7)} ms  ${share.name}`),
  ];
  return lines.join('\n');
}
