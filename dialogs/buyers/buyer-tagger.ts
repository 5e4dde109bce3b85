// Turns what happens into buyer tags: each handled turn (as an EventSink beside insight) and each
// order placed is matched against the rules of the flows serving now, and a matching rule notes a
// signal for the buyer. Reading tags (flows' `buyer.tags`, hand-off cards, the admin API) goes
// through tagsOf. Failures are logged and never reach the buyer: tags are a hint, not a promise.

import type { EventSink, Logger, TurnEvent } from '../ports.ts';
import type { LocalText } from '../messages.ts';
import { buyerKey, heldTags, ShopClock, parseHours, tagCount, tagKeepMs, withinHours, type BuyerTagRule, type BuyerTagRules, type BuyerTagStore } from './buyer-tags.ts';

export interface BuyerTaggerOptions {
  store: BuyerTagStore;
  /** The rules of the flows serving now (they change on reload). */
  rules: () => BuyerTagRules;
  /** The shop's time zone, for rules by hours. */
  timezone: string;
  clock: { now(): number };
  logger: Logger;
  /** Told when a buyer comes to hold a tag they did not hold (for /admin's counts). */
  onTagged?: (tag: string, at: number) => void;
}

export interface HeldTag {
  name: string;
  label: LocalText;
}

export class BuyerTagger implements EventSink {
  private readonly clock: ShopClock;
  /** Each rule's hours, parsed once per rule set (rule sets change only on reload). */
  private hoursOf = new WeakMap<BuyerTagRule, { from: number; to: number } | null>();

  constructor(private readonly options: BuyerTaggerOptions) {
    this.clock = new ShopClock(options.timezone);
  }

  record(event: TurnEvent): void {
    const minute = this.clock.minuteOfDay(event.at);
    const matching = [...this.options.rules()].filter(([, rule]) => {
      const { intents, handoffReasons } = rule.when;
      if (event.intent && intents?.includes(event.intent)) return true;
      if (event.handoffReason && handoffReasons?.includes(event.handoffReason)) return true;
      const window = this.hoursWindow(rule);
      return window !== null && withinHours(window, minute);
    });
    if (matching.length === 0) return;
    void this.note(buyerKey(event.conversation), matching, event.at);
  }

  /** An order the buyer placed (from the order events). */
  async recordOrder(buyer: { channel: string; buyerId: string }, at: number): Promise<void> {
    const matching = [...this.options.rules()].filter(([, rule]) => rule.when.orderPlaced === true);
    if (matching.length > 0) await this.note(buyerKey(buyer), matching, at);
  }

  /** The tags the buyer holds now, with their labels; none when the store cannot be read. */
  async tagsOf(buyer: { channel: string; buyerId: string }): Promise<HeldTag[]> {
    const rules = this.options.rules();
    if (rules.size === 0) return [];
    try {
      const signals = await this.options.store.signals(buyerKey(buyer));
      return heldTags(rules, signals, this.options.clock.now()).map((name) => ({ name, label: rules.get(name)!.label }));
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'buyer tags could not be read; going on without them');
      return [];
    }
  }

  async forget(buyer: { channel: string; buyerId: string }): Promise<void> {
    await this.options.store.forget(buyerKey(buyer));
  }

  private async note(buyer: string, rules: [string, BuyerTagRule][], at: number): Promise<void> {
    const all = this.options.rules();
    // The record lives as long as the longest-kept rule needs it.
    const keepSeconds = Math.ceil(Math.max(...[...all.values()].map(tagKeepMs)) / 1000);
    const { store, onTagged, logger } = this.options;
    try {
      // Every matching rule's signal and the reads around them in one store call (one round trip).
      const noted = await store.note(buyer, rules.map(([name, rule]) => ({ tag: name, keepLast: tagCount(rule) })), at, keepSeconds);
      if (onTagged) {
        const before = new Set(heldTags(all, noted.before, at));
        for (const name of heldTags(all, noted.after, at)) if (!before.has(name)) onTagged(name, at);
      }
    } catch (error) {
      logger.warn({ err: (error as Error).message, tags: rules.map(([name]) => name) }, 'a buyer tag signal could not be kept');
    }
  }

  private hoursWindow(rule: BuyerTagRule): { from: number; to: number } | null {
    if (!rule.when.hours) return null;
    let window = this.hoursOf.get(rule);
    if (window === undefined) {
      window = parseHours(rule.when.hours);
      this.hoursOf.set(rule, window);
    }
    return window;
  }
}
