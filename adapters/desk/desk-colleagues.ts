// Who an agent can hand a conversation to on Kefu's own desk: the configured accounts (desk.agents,
// or the demo agent) and the agents who signed in through the shop's system (desk.sso) within a
// session's life. Those are known to Kefu only by their sign-in, so each sign-in is written to one
// small list in the session store (Redis in production, so every process knows them), changed one
// writer at a time through the line under its own key, like the list of open hand-offs.

import type { Clock, ConversationLine, SessionStore } from '../../dialogs/ports.ts';
import type { AgentAccounts } from './agent-accounts.ts';

export interface Colleague {
  id: string;
  name: string;
}

type Signed = Record<string, { name: string; until: number }>;

const LIST_KEY = 'desk-sso-agents';
/** More agents than any shop's desk has; the ones who signed in longest ago leave first. */
const MAX_SIGNED = 1000;

export class DeskColleagues {
  constructor(
    private readonly accounts: AgentAccounts,
    private readonly store: SessionStore,
    private readonly line: ConversationLine,
    /** How long a sign-in lasts: a colleague who signed in through the shop is listed as long. */
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {}

  /** An agent signed in through the shop's system: listed until their session would end. */
  async remember(agent: Colleague): Promise<void> {
    await this.line.run(LIST_KEY, async () => {
      const now = this.clock.now();
      const signed = live(await this.store.load<unknown>(LIST_KEY), now);
      signed[agent.id] = { name: agent.name, until: now + this.ttlSeconds * 1000 };
      const kept = Object.entries(signed).sort((a, b) => b[1].until - a[1].until).slice(0, MAX_SIGNED);
      await this.store.save(LIST_KEY, Object.fromEntries(kept), this.ttlSeconds);
    });
  }

  /** Everyone, by name. */
  async list(): Promise<Colleague[]> {
    const byId = new Map(this.accounts.all().map((a) => [a.id.toLowerCase(), { id: a.id, name: a.name }]));
    for (const [id, { name }] of Object.entries(live(await this.store.load<unknown>(LIST_KEY), this.clock.now()))) {
      if (!byId.has(id.toLowerCase())) byId.set(id.toLowerCase(), { id, name });
    }
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  async find(id: string): Promise<Colleague | null> {
    const account = this.accounts.find(id);
    if (account) return { id: account.id, name: account.name };
    const signed = live(await this.store.load<unknown>(LIST_KEY), this.clock.now())[id.toLowerCase()];
    return signed ? { id: id.toLowerCase(), name: signed.name } : null;
  }
}

function live(stored: unknown, now: number): Signed {
  const signed: Signed = {};
  if (stored && typeof stored === 'object' && !Array.isArray(stored)) {
    for (const [id, entry] of Object.entries(stored as Record<string, unknown>)) {
      const e = entry as { name?: unknown; until?: unknown } | null;
      if (typeof e?.name === 'string' && typeof e.until === 'number' && e.until > now) signed[id] = { name: e.name, until: e.until };
    }
  }
  return signed;
}
