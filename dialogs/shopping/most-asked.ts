// The most-asked chips (issue 15 item 1): beside the chips the merchant wrote for a kind of page,
// the questions that page's buyers actually asked most in the last 24 hours can be shown first
// (`webchat.mostAskedChips`). The insight recorder counts each understood question by the kind of
// page it was asked from; this reads those counters, most asked first. The counters are read at most
// once a minute per page kind, so opening the chat costs no Redis round trip most of the time, and a
// store that cannot answer leaves the merchant's own chips in place.

import { periodTotals } from '../insight/hot-topics.ts';
import type { InsightStore } from '../insight/insight-store.ts';
import type { Logger } from '../ports.ts';
import type { PageKind } from '../messages.ts';

/** Counter names: `page:<kind>:<intent>`. */
export const PAGE_INTENT_PREFIX = 'page:';

/** How long one reading of the counters is used. */
const REFRESH_MS = 60_000;

export interface MostAskedOptions {
  store: InsightStore;
  logger: Logger;
  now?: () => number;
}

export class MostAskedQuestions {
  private readonly cache = new Map<PageKind, { at: number; intents: Promise<string[]> }>();
  private readonly now: () => number;

  constructor(private readonly options: MostAskedOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The intents asked from this kind of page in the last 24 hours, most asked first; none when unknown. */
  intents(page: PageKind): Promise<string[]> {
    const now = this.now();
    const cached = this.cache.get(page);
    if (cached && now - cached.at < REFRESH_MS) return cached.intents;
    const intents = this.read(page, now);
    this.cache.set(page, { at: now, intents });
    return intents;
  }

  private async read(page: PageKind, now: number): Promise<string[]> {
    const prefix = `${PAGE_INTENT_PREFIX}${page}:`;
    try {
      const { current } = await periodTotals(this.options.store, 'counts', '1d', now, prefix);
      return [...current].filter(([, count]) => count > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([intent]) => intent);
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message, page }, 'most-asked chips unavailable; showing the shop\'s own chips');
      // Asked again at the next refresh, not at every page opened while the store is away.
      return [];
    }
  }
}
