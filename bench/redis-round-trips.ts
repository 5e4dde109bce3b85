// Counts Redis round trips per web chat message (issue 13 item 6 wants at most two on the hot path).
// A private redis-server, a TCP relay in front of it that counts every write a client makes (one
// write carries one command, or one pipeline or MULTI block: one round trip), and an in-process Kefu
// on the relay. Buyers run the bench's 5-turn size dialogue one message at a time; writes made while
// a message's request is in flight, until the first byte of its answer leaves Kefu, are its hot path
// (the buyer waits for them); writes made after that (buyer tags, sent without waiting once the
// answer is on its way) are counted apart, and so are the process's own periodic writes, which may
// overlap any request (insight's once-a-second batches, the heartbeat, the job queue's polling). The answer's first byte is seen on a
// second relay, in front of Kefu's HTTP port. Commands come from INFO commandstats. The last
// message's writes are listed, so a figure can be read.
//
//   npx tsx bench/redis-round-trips.ts [--conversations N]     (default 20)

import { spawn } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';
import { createLogger } from '../adapters/logging/create-logger.ts';
import { loadConfig } from '../config/load-config.ts';
import { startServer } from '../server.ts';

const DIALOGUE = ['你好', '帮我推荐一下尺码', '170', '60kg', '谢谢'];
const flag = process.argv.indexOf('--conversations');
const conversations = flag > 0 ? Number(process.argv[flag + 1]) : 20;
if (!Number.isInteger(conversations) || conversations < 1 || conversations > 1000) {
  process.stderr.write('--conversations must be 1-1000\n');
  process.exit(2);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const redisPort = await freePort();
const redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()], { stdio: 'ignore' });
const admin = new Redis(redisPort, { lazyConnect: true, maxRetriesPerRequest: 0 });
for (let attempt = 0; ; attempt++) {
  try {
    await admin.connect();
    await admin.ping();
    break;
  } catch {
    if (attempt > 200) throw new Error('redis-server did not answer');
    admin.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let phase: 'off' | 'hot' | 'after' = 'off';
/** Names the conversation whose message is in flight (or just answered). */
let current = /^$/;
const writes = { hot: 0, after: 0, background: 0 };
let lastMessage: string[] = [];
const relay = createServer((client: Socket) => {
  const server = connect(redisPort, '127.0.0.1');
  client.on('data', (chunk: Buffer) => {
    if (phase !== 'off') {
      const listed = commandsIn(chunk);
      // A message's writes name its conversation (its turn, session and hand-off keys, the
      // per-conversation rate limit) or are its rate-limit counts. Anything else is the process's own
      // periodic work, whichever request it overlaps: insight's batches for all messages together
      // (counters, turn notes, started-conversation claims), the heartbeat (process-heartbeat.ts),
      // the job queue's polling (BullMQ).
      const batch = /^(MULTI \+ HINCRBY \S*insight:\{[cp]:|EVAL(SHA)? \S*insight:\{open\}|SET \S*insight:once:started:)/.test(listed);
      if (batch || !(current.test(listed) || listed.includes('rate-limit-'))) writes.background++;
      else {
        writes[phase]++;
        lastMessage.push(`${phase === 'hot' ? 'during' : 'after '}  ${listed}`);
      }
    }
    server.write(chunk);
  });
  server.on('data', (chunk) => client.write(chunk));
  client.on('close', () => server.destroy());
  server.on('close', () => client.destroy());
  client.on('error', () => {});
  server.on('error', () => {});
});
await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
const relayPort = (relay.address() as AddressInfo).port;

// The answer's first byte, on its way from Kefu to the buyer, ends the message's hot path.
let kefuPort = 0;
const httpRelay = createServer((client: Socket) => {
  const server = connect(kefuPort, '127.0.0.1');
  client.on('data', (chunk: Buffer) => server.write(chunk));
  server.on('data', (chunk: Buffer) => {
    if (phase === 'hot') phase = 'after';
    client.write(chunk);
  });
  client.on('close', () => server.destroy());
  server.on('close', () => client.destroy());
  client.on('error', () => {});
  server.on('error', () => {});
});
await new Promise<void>((resolve) => httpRelay.listen(0, '127.0.0.1', resolve));
const answersUrl = `http://127.0.0.1:${(httpRelay.address() as AddressInfo).port}`;

const { config } = loadConfig({
  env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', KEFU__FLOWS__WATCH: 'false', REDIS_URL: `redis://127.0.0.1:${relayPort}`, KEFU__WEBCHAT__RATELIMIT__PERADDRESS: '1000000', KEFU__WEBCHAT__RATELIMIT__PERCONVERSATION: '100000' },
});
const kefu = await startServer(config, createLogger({ level: config.logging.level }));
kefuPort = Number(new URL(kefu.url).port);

/** "EVALSHA kefu:turn:{…} + GET kefu:session:{…}": each command of one write and its first key, read from its RESP arrays. */
function commandsIn(chunk: Buffer): string {
  const lines = chunk.toString('utf8').split('\r\n');
  const found: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('*')) continue;
    const parts: string[] = [];
    const count = Number(lines[i]!.slice(1));
    for (let j = 0; j < count && i + 2 < lines.length; j++) {
      parts.push(lines[i + 2]!);
      i += 2;
    }
    const name = (parts[0] ?? '?').toUpperCase();
    const key = name.startsWith('EVAL') ? parts[3] : parts[1];
    found.push(key === undefined ? name : `${name} ${key}`);
  }
  return found.join(' + ');
}

async function commands(): Promise<number> {
  const info = await admin.info('commandstats');
  let calls = 0;
  for (const match of info.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)) if (!['info', 'ping', 'client|setinfo', 'client|setname', 'select'].includes(match[1]!)) calls += Number(match[2]);
  return calls;
}

async function post(conversationId: string, messageId: string, text: string): Promise<void> {
  const response = await fetch(`${answersUrl}/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId, messageId, text }) });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

// Warm-up: scripts loaded, connections open.
for (const [index, text] of DIALOGUE.entries()) await post('warm-up', `m${index}`, text);
await new Promise((resolve) => setTimeout(resolve, 200));
const before = await commands();
for (let c = 0; c < conversations; c++) {
  for (const [index, text] of DIALOGUE.entries()) {
    lastMessage = [];
    current = new RegExp(`round-trips-${c}(?![0-9])`);
    phase = 'hot';
    await post(`round-trips-${c}`, `m${index}`, text);
    phase = 'after';
    // What the turn writes after its answer is out (fire-and-forget) lands within this pause.
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}
phase = 'off';
const messages = conversations * DIALOGUE.length;
const perMessage = (n: number): string => (n / messages).toFixed(2);
const used = (await commands()) - before;
process.stdout.write(`the last message's writes:\n  ${lastMessage.join('\n  ')}\n`);
process.stdout.write(`messages: ${messages}\nround trips per message, before the answer: ${perMessage(writes.hot)}\nround trips per message, after the answer: ${perMessage(writes.after)}\nbackground writes (insight's batches for all messages, the heartbeat, the job queue's polling): ${writes.background}\ncommands per message: ${perMessage(used)}\n`);

await kefu.close();
admin.disconnect();
relay.close();
httpRelay.close();
redisServer.kill('SIGKILL');
process.exit(0);
