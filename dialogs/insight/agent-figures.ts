// The agents' figures on /admin (docs/insight.md, "Agents"): per agent over the last 24 hours, the
// hand-offs handled, the average wait for their first reply and the average time a hand-off took;
// and the measured handling rate (hand-offs per active agent per day) that the "agent-equivalents"
// result uses instead of a configured constant once there is enough to measure.
// Counted in the insight store's hour buckets, one field per agent (the id URI-encoded).

import type { AgentWork } from '../handoff/agent-work.ts';
import { bucketOf, type InsightStore } from './insight-store.ts';

const FIELDS = {
  handled: 'agent_handled:',
  handledMs: 'agent_handled_ms:',
  firstReplies: 'agent_first_replies:',
  firstReplyMs: 'agent_first_reply_ms:',
} as const;

/** Below this many hand-offs in 24 hours the rate is too thin to measure: the configured capacity stands. */
export const MIN_HANDLED_TO_MEASURE = 10;

export function agentWorkCounts(work: AgentWork): Record<string, number> {
  const id = encodeURIComponent(work.agent.id);
  return work.kind === 'first_reply'
    ? { [FIELDS.firstReplies + id]: 1, [FIELDS.firstReplyMs + id]: work.waitedMs }
    : { [FIELDS.handled + id]: 1, [FIELDS.handledMs + id]: work.tookMs };
}

export interface AgentFigure {
  id: string;
  handled: number;
  /** Average seconds from the hand-off opening to this agent's first reply (null: no reply yet). */
  firstReplySeconds: number | null;
  /** Average seconds from the hand-off opening to its end (null: none ended). */
  handledSeconds: number | null;
}

export interface AgentFigures {
  agents: AgentFigure[];
  handled: number;
  /** Hand-offs per active agent per day, measured; null while fewer than MIN_HANDLED_TO_MEASURE. */
  measuredDailyRate: number | null;
}

const average = (sumMs: number, count: number): number | null => (count > 0 ? Math.round(sumMs / count / 100) / 10 : null);

export async function computeAgentFigures(store: InsightStore, now: number): Promise<AgentFigures> {
  const last = bucketOf(now, 'hour');
  const records = await store.read('counts', 'hour', last - 23, last);
  const totals = new Map<string, Record<keyof typeof FIELDS, number>>();
  for (const record of records) {
    for (const [field, value] of Object.entries(record)) {
      const kind = (Object.keys(FIELDS) as (keyof typeof FIELDS)[]).find((name) => field.startsWith(FIELDS[name]));
      if (!kind) continue;
      let id: string;
      try {
        id = decodeURIComponent(field.slice(FIELDS[kind].length));
      } catch {
        continue; // not a field this file wrote
      }
      const entry = totals.get(id) ?? { handled: 0, handledMs: 0, firstReplies: 0, firstReplyMs: 0 };
      entry[kind] += value;
      totals.set(id, entry);
    }
  }
  const agents = [...totals]
    .map(([id, t]) => ({ id, handled: t.handled, firstReplySeconds: average(t.firstReplyMs, t.firstReplies), handledSeconds: average(t.handledMs, t.handled) }))
    .sort((a, b) => b.handled - a.handled || a.id.localeCompare(b.id));
  const handled = agents.reduce((sum, agent) => sum + agent.handled, 0);
  const active = agents.filter((agent) => agent.handled > 0).length;
  return { agents, handled, measuredDailyRate: handled >= MIN_HANDLED_TO_MEASURE && active > 0 ? Math.round((handled / active) * 10) / 10 : null };
}
