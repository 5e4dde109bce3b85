// How fast a marketplace webhook is acknowledged, and how long until every reply is sent, with the
// bot's work queued behind the acknowledgement: N signed Lazada pushes (C at a time, each in its own
// conversation) against a real Kefu on loopback and a loopback Lazada API.
//   npx tsx bench/channel-acks.ts [pushes=500] [concurrency=20] [redis://127.0.0.1:6379]

import { createHmac, randomUUID } from 'node:crypto';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../adapters/logging/create-logger.ts';
import { startServer } from '../server.ts';
import { LAZADA_TEST_APP, startFakeLazada } from '../test/support/fake-lazada.ts';

const pushes = Number(process.argv[2] ?? 500);
const concurrency = Number(process.argv[3] ?? 20);
const redisUrl = process.argv[4];

const fake = await startFakeLazada();
const { config } = loadConfig({
  env: {
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', KEFU__FLOWS__WATCH: 'false',
    ...(redisUrl ? { REDIS_URL: redisUrl, KEFU__SESSIONS__KEYPREFIX: `kefu-bench-${randomUUID().slice(0, 8)}:` } : {}),
    KEFU__CHANNELS__LAZADA__ENABLED: 'true', KEFU__CHANNELS__LAZADA__APPKEY: LAZADA_TEST_APP.appKey,
    KEFU__CHANNELS__LAZADA__APPSECRET: LAZADA_TEST_APP.appSecret, KEFU__CHANNELS__LAZADA__ACCESSTOKEN: LAZADA_TEST_APP.accessToken,
    KEFU__CHANNELS__LAZADA__APIBASEURL: fake.url,
  },
});
const server = await startServer(config, createLogger({ level: 'silent' }));
const acks: number[] = [];
const started = performance.now();
let next = 0;
async function worker(): Promise<void> {
  while (next < pushes) {
    const i = next++;
    const raw = JSON.stringify({ data: { session_id: `bench-${i}`, message_id: randomUUID(), content: JSON.stringify({ txt: '身高170体重60穿什么码' }), from_account_id: `b${i}`, from_account_type: 1, send_time: Date.now(), template_id: 1, type: 1, status: 0 }, seller_id: 1, message_type: 2 });
    const t = performance.now();
    const response = await fetch(`${server.url}/channels/lazada/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: createHmac('sha256', LAZADA_TEST_APP.appSecret).update(LAZADA_TEST_APP.appKey + raw).digest('hex') }, body: raw });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`push answered ${response.status}`);
    acks.push(performance.now() - t);
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const ackedAt = performance.now();
while (fake.sent().length < pushes) await new Promise((resolve) => setTimeout(resolve, 10));
const doneAt = performance.now();
acks.sort((a, b) => a - b);
const pct = (p: number): string => acks[Math.min(acks.length - 1, Math.floor((p / 100) * acks.length))]!.toFixed(1);
console.log(JSON.stringify({
  storage: redisUrl ? 'redis' : 'memory', pushes, concurrency,
  ackMs: { p50: pct(50), p99: pct(99), max: acks.at(-1)!.toFixed(1) },
  acksPerSecond: Math.round(pushes / ((ackedAt - started) / 1000)),
  allRepliesSentAfterMs: Math.round(doneAt - started),
  repliesPerSecond: Math.round(pushes / ((doneAt - started) / 1000)),
}));
await server.close();
await fake.close();
