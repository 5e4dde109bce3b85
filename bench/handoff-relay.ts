// Rough latency of the Slack hand-off relay on loopback (memory stores, the test stand-in for Slack's
// Web API): an agent's signed thread reply until it is pushed to the buyer, and a buyer's web chat
// message during a hand-off until it is posted in the thread. Run: npx tsx bench/handoff-relay.ts

import { startSlackKefu } from '../test/support/slack-kefu.ts';
const kefu = await startSlackKefu();
const mark = kefu.slack.mark();
await kefu.say('buyer-measure-1', '转人工');
const card = kefu.slack.cardsSince(mark)[0]!;
await kefu.agentPresses(card.channel, card.ts, 'U0A', 'kefu_claim');
const times: number[] = [];
for (let i = 0; i < 99; i++) {
  const t = performance.now();
  const a = await kefu.agentReplies(card.channel, card.ts, 'U0A', `reply ${i}`);
  if (a.status !== 200) throw new Error(String(a.status));
  times.push(performance.now() - t);
}
const relay: number[] = [];
for (let i = 0; i < 200; i++) {
  const t = performance.now();
  const a = await kefu.say('buyer-measure-1', `buyer ${i}`);
  if (a.status !== 200) throw new Error(String(a.status));
  relay.push(performance.now() - t);
}
const pushed = await kefu.pushedToBuyer('buyer-measure-1');
const q = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length * p)]!.toFixed(1);
console.log(`agent reply (signed event → verified → relayed → pushed): p50 ${q(times, 0.5)} ms, p95 ${q(times, 0.95)} ms; pushed ${pushed.length - 1}/99`);
console.log(`buyer message during hand-off (web chat POST → thread post): p50 ${q(relay, 0.5)} ms, p95 ${q(relay, 0.95)} ms; thread lines ${kefu.slack.thread(card.channel, card.ts).filter(m => m.text.includes('buyer ')).length}/200`);
await kefu.close();
