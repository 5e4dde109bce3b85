// Buyer tags' rules (dialogs/buyers/): which turns and orders count, the window and the count, hours
// in the shop's time zone across midnight, a tag counted once when it is gained, and the flow files'
// checks of the `buyer_tags:` part.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import { BuyerTagger } from '../../dialogs/buyers/buyer-tagger.ts';
import { heldTags, parseHours, ShopClock, withinHours, type BuyerTagRule } from '../../dialogs/buyers/buyer-tags.ts';
import { builtInActions } from '../../dialogs/actions/index.ts';
import { loadFlows } from '../../dialogs/flows/load-flows.ts';
import { silentLogger, type TurnEvent } from '../../dialogs/ports.ts';
import { MemoryBuyerTagStore } from '../../adapters/stores/memory/memory-buyer-tag-store.ts';
import { PROJECT_ROOT } from '../../server.ts';

const DAY = 86_400_000;
const label = (en: string) => ({ 'zh-Hans': en, 'zh-Hant': en, en });
const RULES = new Map<string, BuyerTagRule>([
  ['price_sensitive', { label: label('Price-sensitive'), when: { intents: ['ask_price_promo'] }, count: 2, keepDays: 30 }],
  ['after_sale_risk', { label: label('After-sale risk'), when: { intents: ['complaint'], handoffReasons: ['negative_sentiment'] }, count: 2 }],
  ['night_shopper', { label: label('Night shopper'), when: { hours: '23:30-05:00' }, count: 1, keepDays: 7 }],
  ['repeat_buyer', { label: label('Repeat buyer'), when: { orderPlaced: true }, count: 2, keepDays: 365 }],
]);

function turn(at: number, intent: string | null, extra: Partial<TurnEvent> = {}): TurnEvent {
  return { conversation: { channel: 'webchat', conversationId: 'c1', buyerId: 'b1' }, at, language: 'zh-Hans', text: '…', intent, confidence: 1, flow: null, outcome: 'answered', ...extra };
}

function tagger(now: () => number, rules = RULES) {
  const tagged: string[] = [];
  const store = new MemoryBuyerTagStore({ clock: { now } });
  const made = new BuyerTagger({ store, rules: () => rules, timezone: 'Asia/Shanghai', clock: { now }, logger: silentLogger, onTagged: (tag) => tagged.push(tag) });
  return { tagger: made, tagged, store };
}

const names = async (t: BuyerTagger) => (await t.tagsOf({ channel: 'webchat', buyerId: 'b1' })).map((tag) => tag.name);
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('buyer tag rules', () => {
  // 2026-12-05 12:00 in Shanghai.
  const NOON = Date.UTC(2026, 11, 5, 4, 0);

  it('tags after `count` matching turns within the window, and lets the tag go with its signals', async () => {
    let now = NOON;
    const { tagger: t, tagged } = tagger(() => now);
    t.record(turn(now, 'ask_price_promo'));
    t.record(turn(now, 'ask_size'));
    await settle();
    expect(await names(t)).toEqual([]);
    now += DAY;
    t.record(turn(now, 'ask_price_promo'));
    await settle();
    expect(await names(t)).toEqual(['price_sensitive']);
    t.record(turn(now + 1000, 'ask_price_promo'));
    await settle();
    expect(tagged).toEqual(['price_sensitive']); // gained once, counted once
    now += 30 * DAY; // the first two signals are past the 30 days; the last is not
    expect(await names(t)).toEqual([]);
  });

  it('counts hand-off reasons and orders, each by its own rule', async () => {
    const now = NOON;
    const { tagger: t } = tagger(() => now);
    t.record(turn(now, null, { outcome: 'handed_off', handoffReason: 'negative_sentiment' }));
    t.record(turn(now, 'complaint'));
    await t.recordOrder({ channel: 'webchat', buyerId: 'b1' }, now);
    await settle();
    expect(await names(t)).toEqual(['after_sale_risk']);
    await t.recordOrder({ channel: 'webchat', buyerId: 'b1' }, now - 1);
    expect(await names(t)).toEqual(['after_sale_risk', 'repeat_buyer']);
  });

  it("reads hours on the shop's clock, across midnight", async () => {
    const shanghai = (hour: number, minute: number) => Date.UTC(2026, 11, 5, hour - 8, minute);
    for (const [at, night] of [[shanghai(23, 45), true], [shanghai(2, 10), true], [shanghai(5, 0), false], [shanghai(23, 15), false], [shanghai(12, 0), false]] as const) {
      const { tagger: t } = tagger(() => at);
      t.record(turn(at, null));
      await settle();
      expect(await names(t), new Date(at).toISOString()).toEqual(night ? ['night_shopper'] : []);
    }
    expect(parseHours('24:00-05:00')).toBeNull();
    expect(parseHours('05:00-05:00')).toBeNull();
    expect(withinHours(parseHours('09:00-18:00')!, 9 * 60)).toBe(true);
    expect(withinHours(parseHours('09:00-18:00')!, 18 * 60)).toBe(false);
  });

  it('keeps the shop\'s minute of the day right through summer-time changes and odd offsets', () => {
    // Days with a change: New York (an hour, in March and November), Lord Howe (half an hour),
    // Kathmandu (+5:45, none), Shanghai (none). One clock per zone, read every 7 minutes for two days,
    // as a busy shop reads it, against luxon's answer for each instant.
    const cases: [string, number][] = [
      ['America/New_York', Date.UTC(2026, 2, 7)],
      ['America/New_York', Date.UTC(2026, 10, 0)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4)],
      ['Australia/Lord_Howe', Date.UTC(2026, 9, 3)],
      ['Asia/Kathmandu', Date.UTC(2026, 11, 5)],
      ['Asia/Shanghai', Date.UTC(2026, 11, 5)],
    ];
    for (const [zone, start] of cases) {
      const clock = new ShopClock(zone);
      for (let at = start; at < start + 2 * DAY; at += 7 * 60_000 + 13_000) {
        const local = DateTime.fromMillis(at, { zone });
        expect(clock.minuteOfDay(at), `${zone} ${new Date(at).toISOString()}`).toBe(local.hour * 60 + local.minute);
      }
    }
  });

  it('holds no tag whose rule is gone from the flows', () => {
    expect(heldTags(new Map(), { price_sensitive: [NOON, NOON] }, NOON)).toEqual([]);
  });
});

describe('the buyer_tags part of the flow files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-tags-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the demo flows with their tag rules', async () => {
    const loaded = await loadFlows(path.join(PROJECT_ROOT, 'flows'), { actions: builtInActions });
    expect(loaded.ok && [...loaded.flowSet.buyerTags.keys()]).toEqual(['price_sensitive', 'size_sensitive', 'after_sale_risk', 'night_shopper', 'repeat_buyer']);
  });

  it('points at a counted intent that does not exist and at a tag defined twice', async () => {
    const flows = path.join(dir, 'flows');
    cpSync(path.join(PROJECT_ROOT, 'test/fixtures/counter-flows'), flows, { recursive: true });
    const rule = (intent: string) => `  twice:\n    label: { zh-Hans: 两次, zh-Hant: 兩次, en: Twice }\n    when: { intents: [${intent}] }\n`;
    writeFileSync(path.join(flows, 'tags-a.yaml'), `buyer_tags:\n${rule('cancel')}`);
    writeFileSync(path.join(flows, 'tags-b.yaml'), `buyer_tags:\n${rule('ask_colour')}`);
    const loaded = await loadFlows(flows, { actions: builtInActions, displayPath: (file) => path.basename(file) });
    expect(loaded.ok).toBe(false);
    const messages = loaded.ok ? [] : loaded.problems.map((p) => `${p.file}:${p.line} ${p.message}`);
    expect(messages).toContain('tags-b.yaml:2 buyer tag "twice" is already defined at tags-a.yaml:2:3');
    writeFileSync(path.join(flows, 'tags-a.yaml'), `buyer_tags:\n${rule('ask_colour').replace('twice', 'once')}`);
    const again = await loadFlows(flows, { actions: builtInActions, displayPath: (file) => path.basename(file) });
    const problems = again.ok ? [] : again.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.message}`);
    expect(problems).toContain('tags-a.yaml:4:23 buyer tag "once" counts intent "ask_colour", which is not defined');
  });

  it('refuses a rule without signals and hours that are not a time range', async () => {
    const flows = path.join(dir, 'shape');
    cpSync(path.join(PROJECT_ROOT, 'test/fixtures/counter-flows'), flows, { recursive: true });
    writeFileSync(path.join(flows, 'tags.yaml'), 'buyer_tags:\n  empty:\n    label: { zh-Hans: 空, zh-Hant: 空, en: Empty }\n    when: {}\n  late:\n    label: { zh-Hans: 晚, zh-Hant: 晚, en: Late }\n    when: { hours: "late" }\n');
    const loaded = await loadFlows(flows, { actions: builtInActions, displayPath: (file) => path.basename(file) });
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? 0 : loaded.problems.filter((p) => p.file === 'tags.yaml').length).toBeGreaterThanOrEqual(2);
  });
});
