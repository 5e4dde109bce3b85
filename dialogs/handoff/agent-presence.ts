// Whether anyone is at Kefu's own agent desk right now, so that a buyer who asks for a person while
// nobody is there is told so honestly ("no one is online, leave a message") instead of "someone will
// be with you shortly". An agent counts as present while their desk page has asked Kefu something in
// the last PRESENT_FOR_SECONDS: the page refreshes its queue every few seconds while it is open.
// The marks live in the session store (shared by every process, expiring by themselves). The hand-off
// notice is decided inside a turn, so it reads a snapshot that a background refresh keeps current,
// and a mark made in this process counts at once.

import type { Clock, Logger, SessionStore } from '../ports.ts';

/** An agent whose page has been quiet this long is away (closed the tab, lost the connection). */
export const PRESENT_FOR_SECONDS = 60;
/** A page asks every few seconds; one write per agent in this window is enough. */
const MARK_EVERY_MS = 10_000;
const REFRESH_EVERY_MS = 5_000;
/** The store's key of the marks (a name no conversation key can take: those are "<channel>:<id>"). */
export const PRESENCE_KEY = 'desk-presence';

type Marks = Record<string, number>;

export class AgentPresence {
  private online: boolean | null = null;
  private readonly lastMarked = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly store: SessionStore, private readonly clock: Clock, private readonly logger: Logger) {}

  /** Whether an agent is at the desk: null until the first look (then nothing is claimed either way). */
  anyoneOnline(): boolean | null {
    return this.online;
  }

  /** An agent's page asked something: they are here. Written at most every few seconds per agent. */
  async seen(agentId: string): Promise<void> {
    const now = this.clock.now();
    this.online = true;
    if (now - (this.lastMarked.get(agentId) ?? 0) < MARK_EVERY_MS) return;
    this.lastMarked.set(agentId, now);
    try {
      const marks = await this.read(now);
      marks[agentId] = now;
      await this.store.save(PRESENCE_KEY, marks, PRESENT_FOR_SECONDS);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'agent presence not recorded');
    }
  }

  /** Reads every process's marks into the snapshot. */
  async refresh(): Promise<void> {
    try {
      this.online = Object.keys(await this.read(this.clock.now())).length > 0;
    } catch (error) {
      // Not knowing is not "nobody is here": the buyer is not told so on a guess.
      this.online = null;
      this.logger.warn({ err: (error as Error).message }, 'agent presence unknown');
    }
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async read(now: number): Promise<Marks> {
    const stored = await this.store.load<unknown>(PRESENCE_KEY);
    const marks: Marks = {};
    if (stored && typeof stored === 'object' && !Array.isArray(stored)) {
      for (const [agent, at] of Object.entries(stored as Record<string, unknown>)) {
        // Processes' clocks differ a little; a mark far in the future is nobody's.
        if (typeof at === 'number' && Math.abs(now - at) < PRESENT_FOR_SECONDS * 1000) marks[agent] = at;
      }
    }
    return marks;
  }
}
