// `npx tsx bench/engine-cpu.ts [--rounds N] [--warmup N] [--only size|mix] [--show]`
//
// The core's CPU per buyer message, in process: the engine built from the demo flows, catalog and
// order book as compose/compose-kefu.ts builds it (sentiment, entities for CN), with no HTTP, store
// or Redis around it, so what it measures is understanding and the engine alone. Each round runs
// every dialogue below in a fresh conversation, the session going through JSON between turns as a
// session store keeps it (that round trip is part of the figure). Prints CPU µs per message
// (process.cpuUsage: user + system) for the bench's size dialogue, for the mix of other buyer
// phrasings, and overall, after a warm-up; and an `outcomes:` hash of every turn's replies, intent,
// confidence, outcome, values and language, which must stay the same when the engine is made
// faster (the run is deterministic: fixed clocks, fixed conversation ids).

import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DemoCatalog } from '../adapters/commerce/demo/demo-catalog.ts';
import { DemoOrders } from '../adapters/commerce/demo/demo-orders.ts';
import { builtInActions } from '../dialogs/actions/index.ts';
import { Engine } from '../dialogs/engine/engine.ts';
import type { Session } from '../dialogs/engine/session.ts';
import { loadFlows } from '../dialogs/flows/load-flows.ts';
import { DEFAULT_SENTIMENT_HANDOFF, DEFAULT_SENTIMENT_UNLESS_INTENTS, scoreSentiment } from '../dialogs/insight/sentiment.ts';
import type { InboundMessage } from '../dialogs/messages.ts';
import { silentLogger } from '../dialogs/ports.ts';
import { SIZE_ADVICE_DIALOGUE } from './load.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const START = Date.UTC(2026, 11, 1, 6, 0, 0);

/** `npm run bench`'s dialogue. */
const SIZE: readonly string[] = SIZE_ADVICE_DIALOGUE.map((turn) => turn.text);

/** Other buyers: terse, chatty, typos, Traditional script, English, several requests at once, upset. */
const MIX: readonly (readonly string[])[] = [
  ['在吗', '我身高175 体重140斤穿多大', '好的谢谢'],
  ['hi', 'what size should i get', '180cm', '75 kg', 'thanks'],
  ['請問這件有M號嗎', '有黑色的嗎', '謝謝'],
  ['亲 发什么快递', '几天能到', '88'],
  ['我的快递到哪了', '转人工'],
  ['where is my parcle', 'nvm'],
  ['怎么退货', '算了'],
  ['推荐一下尺马', '一米七', '六十公斤', 'ok'],
  ['有优惠券吗', '便宜点的', '换一批'],
  ['能开发票吗', '好的'],
  ['讲个笑话', '再来一个', '哈哈哈'],
  ['卫衣有M码吗 还有发什么快递', '嗯嗯'],
  ['退款怎么还没到', 'KF20261201000123', '谢谢'],
  ['do you ship to hong kong', 'how long does delivery take', 'ok thx'],
  ['asdfgh', '？？'],
  ['太差了 垃圾店 骗子'],
  ['我想改地址', '不用了'],
  ['身高165體重50公斤穿什麼尺碼', '好的'],
  ['can i change my shipping address', 'no thanks'],
  ['我要退款', '质量问题', '13800138000'],
  ['有没有保暖一点的外套 300以内', '有黑色的吗'],
  ['这个会掉色吗', '洗了会缩水吗'],
  ['你好呀 我想问下 这件衣服我170 65kg穿什么码合适', '那L呢', '好的 谢谢啦'],
  ['hello?', 'is the hoodie in stock in size L', 'what colours', 'bye'],
  ['订单号 123456789012345 帮我查下物流', '怎么还没发货', '能快点吗'],
];

interface Dialogue {
  kind: 'size' | 'mix';
  turns: readonly string[];
}

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '300' }, only: { type: 'string' }, warmup: { type: 'string', default: '50' }, show: { type: 'boolean', default: false } },
});
const rounds = Number(args.rounds);
const warmupRounds = Number(args.warmup);
const dialogues: Dialogue[] = [
  ...(args.only === 'mix' ? [] : [{ kind: 'size' as const, turns: SIZE }]),
  ...(args.only === 'size' ? [] : MIX.map((turns) => ({ kind: 'mix' as const, turns }))),
];

const loaded = await loadFlows(path.join(ROOT, 'flows'), { actions: builtInActions });
if (!loaded.ok) throw new Error('demo flows invalid');
const flows = loaded.flowSet;
const catalog = await DemoCatalog.load();
const orders = await DemoOrders.load({ clock: { now: () => START } });
const engine = new Engine({
  flows: () => flows,
  catalog,
  shopName: { 'zh-Hans': '演示店', 'zh-Hant': '演示店', en: 'Demo shop' },
  maxTextLength: 2000,
  lastTurns: 10,
  entities: { defaultCountry: 'CN' },
  logger: silentLogger,
  sentiment: { score: scoreSentiment, handoffAtOrBelow: DEFAULT_SENTIMENT_HANDOFF, unlessIntents: DEFAULT_SENTIMENT_UNLESS_INTENTS },
  orders,
});

/** Runs one dialogue in a fresh conversation; feeds what each turn decided to `record` when given. */
async function runDialogue(dialogue: Dialogue, conversationId: string, record?: (line: string) => void): Promise<number> {
  let stored: string | null = null;
  for (const [index, text] of dialogue.turns.entries()) {
    const message: InboundMessage = {
      id: `${conversationId}-${index}`,
      conversation: { channel: 'webchat', conversationId, buyerId: conversationId },
      text,
      receivedAt: START + index * 4000,
    };
    const outcome = await engine.handle(stored === null ? null : (JSON.parse(stored) as Session), message);
    stored = JSON.stringify(outcome.session);
    if (record) {
      const { event } = outcome;
      record(JSON.stringify([text, outcome.replies, event.intent, event.confidence, event.outcome, outcome.flowVars, event.language, outcome.handoff?.reason ?? null]));
    }
  }
  return dialogue.turns.length;
}

// The outcomes, once (conversation ids as in the timed rounds' first round).
const hash = createHash('sha256');
for (const [d, dialogue] of dialogues.entries()) {
  await runDialogue(dialogue, `c0-${d}`, (line) => {
    hash.update(line + '\n');
    // --show: what the bot answered, to see that the dialogues exercise what they mean to.
    if (args.show) console.log(line.slice(0, 300));
  });
}
const outcomes = hash.digest('hex').slice(0, 16);

for (let round = 0; round < warmupRounds; round++) {
  for (const [d, dialogue] of dialogues.entries()) await runDialogue(dialogue, `w${round}-${d}`);
}

// Each kind is timed as one block (process.cpuUsage is a system call: reading it around every
// dialogue showed up in the profile), its rounds one after another.
const spent = { size: { us: 0, messages: 0 }, mix: { us: 0, messages: 0 } };
for (const kind of ['size', 'mix'] as const) {
  const before = process.cpuUsage();
  for (let round = 0; round < rounds; round++) {
    for (const [d, dialogue] of dialogues.entries()) {
      if (dialogue.kind === kind) spent[kind].messages += await runDialogue(dialogue, `r${round}-${d}`);
    }
  }
  const used = process.cpuUsage(before);
  spent[kind].us = used.user + used.system;
}

const perMessage = (us: number, messages: number): string => (messages === 0 ? 'n/a' : (us / messages).toFixed(1));
console.log(`size_dialogue_cpu_us_per_message: ${perMessage(spent.size.us, spent.size.messages)} (${spent.size.messages} messages)`);
console.log(`mix_cpu_us_per_message: ${perMessage(spent.mix.us, spent.mix.messages)} (${spent.mix.messages} messages)`);
console.log(`all_cpu_us_per_message: ${perMessage(spent.size.us + spent.mix.us, spent.size.messages + spent.mix.messages)}`);
console.log(`outcomes: ${outcomes}`);
