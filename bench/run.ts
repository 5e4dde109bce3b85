// `npm run bench`: how many web chat messages per second Kefu answers on Redis, side by side with a
// floor server that does the bare minimum for the same requests (bench/floor-server.ts), as a ratio.
//
// Both servers run as child processes on the same Redis, each under its own key prefix. The same
// load generator (bench/load.ts, in this process) drives both with the same number of concurrent
// buyers and the same request bodies: first a warm-up of each, then short passes in the order floor,
// Kefu, Kefu, floor, ..., so that a drift of the machine (the JIT still warming, another process)
// falls on both alike.
// With the optional Botkit bridge installed, Botkit 4 runs the same dialogue as a third target
// (bench/botkit-peer.ts) and `botkit_ratio:` compares messages per server CPU-second.
// Every reply is checked; wrong answers and non-200s are errors. Ends by deleting every key the
// run wrote and stopping the children, also on Ctrl-C; the last line printed is `ratio: X.XX`.
//
// See docs/bench.md for the method and how to read the figures.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { formatProfileSummary, summarizeCpuProfile } from './cpu-profile-summary.ts';
import { benchTypingSuggestions } from './typing-suggestions.ts';
import { mergeResults, runLoad, SIZE_ADVICE_DIALOGUE, summarize, type LoadResult, type LoadSummary } from './load.ts';

const PROJECT_ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;
/** Kefu's messages per server CPU-second over Botkit's, on the same dialogue (issue 13). */
const TARGET_BOTKIT_RATIO = 4;
/** The Botkit peer needs the optional bridge's own install (docs/channels.md, "Botkit bridge"). */
const BOTKIT_INSTALLED = existsSync(path.join(PROJECT_ROOT, 'adapters/channels/botkit-bridge/node_modules/botkit/package.json'));

const USAGE = `usage: npm run bench -- [options]
  --conversations N   concurrent buyers, each in one conversation at a time (default 200)
  --seconds S         measured seconds per target, split over the passes (default 10)
  --passes P          measured passes per target, interleaved floor, kefu, kefu, floor, ... (default 4)
  --rounds R          instead of a time limit, each buyer runs R whole dialogues per pass
  --warmup S          warm-up seconds per target before measuring (default 3; 0 for none)
  --redis URL         Redis both servers use (default redis://127.0.0.1:6379, or REDIS_URL)
  --own-redis         start a private redis-server (from PATH) for the run instead, pinned with the
                      load generator, so that the server under load has its core to itself
  --no-pin            do not pin the servers and the load generator to separate cores
  --profile DIR       run Kefu under node --cpu-prof, write the profile to DIR and summarise it
  --help              this text`;

interface BenchOptions {
  conversations: number;
  seconds: number;
  passes: number;
  rounds: number | undefined;
  warmupSeconds: number;
  redisUrl: string;
  ownRedis: boolean;
  pin: boolean;
  profileDir: string | undefined;
}

class UsageError extends Error {}
class Interrupted extends Error {}

function parseOptions(argv: string[]): BenchOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        conversations: { type: 'string' },
        seconds: { type: 'string' },
        rounds: { type: 'string' },
        passes: { type: 'string' },
        warmup: { type: 'string' },
        redis: { type: 'string' },
        'own-redis': { type: 'boolean' },
        'no-pin': { type: 'boolean' },
        profile: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const redisUrl = values.redis ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let protocol = '';
  try {
    protocol = new URL(redisUrl).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new UsageError(`--redis must be a redis:// URL, not "${redisUrl}"`);
  if (values['own-redis'] && values.redis !== undefined) throw new UsageError('--own-redis and --redis exclude each other');
  return {
    conversations: wholeNumber(values.conversations, 200, 1, 5000, '--conversations'),
    seconds: wholeNumber(values.seconds, 10, 1, 600, '--seconds'),
    passes: wholeNumber(values.passes, 4, 1, 20, '--passes'),
    rounds: values.rounds === undefined ? undefined : wholeNumber(values.rounds, 1, 1, 100_000, '--rounds'),
    warmupSeconds: wholeNumber(values.warmup, 3, 0, 120, '--warmup'),
    redisUrl,
    ownRedis: values['own-redis'] === true,
    pin: !values['no-pin'],
    profileDir: values.profile === undefined ? undefined : path.resolve(values.profile),
  };
}

function wholeNumber(text: string | undefined, fallback: number, min: number, max: number, flag: string): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`${flag} must be a whole number, not "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`${flag} must be between ${min} and ${max}`);
  return value;
}

// ---- child processes ---------------------------------------------------------------------------

interface Child {
  name: string;
  process: ChildProcess;
  url: string;
  /** The last lines the child wrote, shown when it fails. */
  output(): string;
  /** How many lines it wrote (at LOG_LEVEL=warn, a quiet Kefu writes none once it listens). */
  lineCount(): number;
  exited: Promise<void>;
}

const children = new Set<Child>();

async function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  options: { cpu: number | null; nodeFlags?: string[]; signal: AbortSignal },
): Promise<Child> {
  const port = await freePort();
  const nodeArgs = [...(options.nodeFlags ?? []), '--import', 'tsx', script];
  const [command, args] =
    options.cpu === null ? [process.execPath, nodeArgs] : ['taskset', ['-c', String(options.cpu), process.execPath, ...nodeArgs]];
  const spawned = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, lineCount } = keepOutput(spawned);
  const exited = new Promise<void>((resolve) => spawned.once('exit', () => resolve()));
  const child: Child = { name, process: spawned, url: `http://127.0.0.1:${port}`, output, lineCount, exited };
  children.add(child);
  await waitUntilHealthy(child, options.signal);
  return child;
}

/** The last 4000 characters a child wrote (for error messages) and how many lines it wrote in all. */
function keepOutput(spawned: ChildProcess): { output: () => string; lineCount: () => number } {
  let tail = '';
  let lines = 0;
  const keep = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    for (const char of text) if (char === '\n') lines += 1;
    tail = (tail + text).slice(-4000);
  };
  spawned.stdout?.on('data', keep);
  spawned.stderr?.on('data', keep);
  return { output: () => tail.trim(), lineCount: () => lines };
}

/**
 * Polls GET /healthz: Kefu's "listening" line is an info log, and the bench runs it at LOG_LEVEL=warn
 * so that logging does not weigh on the figures.
 */
async function waitUntilHealthy(child: Child, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (signal.aborted) throw new Interrupted();
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`${child.name} exited before it was ready:\n${child.output()}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const request = http.get(`${child.url}/healthz`, { timeout: 1000 }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(response.statusCode === 200 && body.includes('true')));
        response.on('error', () => resolve(false));
      });
      request.on('timeout', () => request.destroy());
      request.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${child.name} was not ready within 60 s:\n${child.output()}`);
}

/**
 * A private redis-server on a free loopback port: no persistence, nothing written to disk, and
 * pinned like the load generator, so Redis never competes with the server under load for its core.
 */
async function startOwnRedis(cpus: string | null, signal: AbortSignal): Promise<Child> {
  const port = await freePort();
  const redisArgs = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', os.tmpdir(), '--loglevel', 'warning'];
  const [command, args] = cpus === null ? ['redis-server', redisArgs] : ['taskset', ['-c', cpus, 'redis-server', ...redisArgs]];
  const spawned = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const { output, lineCount } = keepOutput(spawned);
  const spawnFailed = new Promise<Error>((resolve) => spawned.once('error', resolve));
  const exited = new Promise<void>((resolve) => spawned.once('exit', () => resolve()));
  const child: Child = { name: 'redis-server', process: spawned, url: `redis://127.0.0.1:${port}`, output, lineCount, exited };
  children.add(child);
  const probe = new Redis(child.url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (signal.aborted) throw new Interrupted();
      const failure = await Promise.race([spawnFailed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 50))]);
      if (failure !== null) throw new Error(`cannot start redis-server: ${failure.message}`);
      if (spawned.exitCode !== null) throw new Error(`redis-server exited with code ${spawned.exitCode}:\n${child.output()}`);
      try {
        await probe.connect();
        await probe.ping();
        return child;
      } catch {
        probe.disconnect();
      }
    }
    throw new Error(`redis-server on port ${port} did not answer:\n${child.output()}`);
  } finally {
    probe.disconnect();
  }
}

/** SIGTERM, then SIGKILL if it does not leave within 5 s (Kefu writes its CPU profile on the way out). */
async function stopChild(child: Child): Promise<void> {
  const running = child.process;
  if (running.exitCode === null && running.signalCode === null) {
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
    await child.exited;
    clearTimeout(timer);
  }
  children.delete(child);
}

// A bench that dies must not leave servers behind.
process.on('exit', () => {
  for (const child of children) child.process.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// ---- CPU accounting ----------------------------------------------------------------------------

interface CpuSnapshot {
  at: number;
  /** CPU seconds used so far, by the server child, by Redis (all clients) and by this process. */
  server: number | null;
  redis: number | null;
  load: number;
  /** Busy CPU seconds of the whole machine (every core), from /proc/stat. */
  machine: number | null;
}

const CLOCK_TICKS = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(result.stdout?.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
})();

/** utime + stime of a process from /proc (Linux); null where that cannot be read. */
function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: the fields after it follow the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Busy (not idle, not waiting for I/O) CPU seconds of every core together; null off Linux. */
function machineCpuSeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [label, ...ticks] = line.trim().split(/\s+/);
    if (label !== 'cpu') return null;
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks.map(Number);
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

async function redisCpuSeconds(redis: Redis): Promise<number | null> {
  try {
    const info = await redis.info('cpu');
    const user = /used_cpu_user:([\d.]+)/.exec(info)?.[1];
    const sys = /used_cpu_sys:([\d.]+)/.exec(info)?.[1];
    return user !== undefined && sys !== undefined ? Number(user) + Number(sys) : null;
  } catch {
    return null;
  }
}

async function cpuSnapshot(child: Child, redis: Redis): Promise<CpuSnapshot> {
  const load = process.cpuUsage();
  return {
    at: performance.now(),
    server: processCpuSeconds(child.process.pid),
    redis: await redisCpuSeconds(redis),
    load: (load.user + load.system) / 1e6,
    machine: machineCpuSeconds(),
  };
}

interface CpuShare {
  /** Percent of one core over the pass. */
  server: number | null;
  redis: number | null;
  load: number;
  /** Everything else on the machine (other people's work, the idle server, the kernel): a disturbed pass shows here. */
  other: number | null;
  /** Server CPU milliseconds per answered message. */
  serverMsPerMessage: number | null;
}

function cpuShare(before: CpuSnapshot, after: CpuSnapshot, messages: number): CpuShare {
  const seconds = (after.at - before.at) / 1000;
  const percent = (a: number | null, b: number | null): number | null =>
    a === null || b === null || seconds <= 0 ? null : (100 * (b - a)) / seconds;
  const serverSeconds = before.server === null || after.server === null ? null : after.server - before.server;
  const server = percent(before.server, after.server);
  const redis = percent(before.redis, after.redis);
  const load = percent(before.load, after.load) ?? 0;
  const machine = percent(before.machine, after.machine);
  return {
    server,
    redis,
    load,
    other: machine === null || server === null || redis === null ? null : Math.max(0, machine - server - redis - load),
    serverMsPerMessage: serverSeconds === null || messages === 0 ? null : (1000 * serverSeconds) / messages,
  };
}

// ---- Redis keys --------------------------------------------------------------------------------

async function deleteKeysByPrefix(redis: Redis, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    // UNLINK frees the memory off Redis's main thread; a key SCAN returns twice is simply gone the second time.
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

// ---- the run -----------------------------------------------------------------------------------

type TargetName = 'floor' | 'kefu' | 'botkit';

interface Pass {
  target: TargetName;
  pass: number;
  summary: LoadSummary;
  cpu: CpuShare;
}

interface Pinning {
  /** The core both servers are pinned to (only one is under load at a time); null when not pinned. */
  serverCpu: number | null;
  /** taskset's list of the cores left to the load generator, e.g. "0-0". */
  loadCpus: string | null;
  text: string;
}

function describePinning(options: BenchOptions): Pinning {
  const cores = os.availableParallelism();
  const unpinned = (why: string): Pinning => ({ serverCpu: null, loadCpus: null, text: `not pinned (${why}): servers, load generator and Redis share every core` });
  if (!options.pin) return unpinned('--no-pin');
  if (cores < 2) return unpinned('one core');
  if (spawnSync('taskset', ['-V']).status !== 0) return unpinned('no taskset');
  const serverCpu = cores - 1;
  const loadCpus = `0-${serverCpu - 1}`;
  // -a: every thread of this process (libuv and V8 helper threads too), not only the main one.
  const pinned = spawnSync('taskset', ['-a', '-p', '-c', loadCpus, String(process.pid)]);
  if (pinned.status !== 0) return unpinned('taskset refused');
  const loadText = serverCpu === 1 ? 'cpu 0' : `cpus ${loadCpus}`;
  const redisText = options.ownRedis ? `Redis (private) on ${loadText} too` : 'Redis unpinned (a shared server is not ours to pin; see --own-redis)';
  return { serverCpu, loadCpus, text: `the server under load on cpu ${serverCpu}, the load generator on ${loadText}, ${redisText}` };
}

function formatPass(pass: Pass): string {
  const { summary, cpu } = pass;
  const pct = (value: number | null): string => (value === null ? '  ?' : `${value.toFixed(0).padStart(3)}`);
  return (
    `  ${pass.target.padEnd(5)} pass ${pass.pass}  ${summary.seconds.toFixed(1).padStart(5)} s ` +
    `${String(summary.messages).padStart(7)} msgs ${summary.messagesPerSecond.toFixed(0).padStart(6)} msg/s  ` +
    `p50 ${summary.p50.toFixed(1).padStart(6)}  p90 ${summary.p90.toFixed(1).padStart(6)}  p99 ${summary.p99.toFixed(1).padStart(6)} ms  ` +
    `errors ${summary.errors}  cpu% server ${pct(cpu.server)} redis ${pct(cpu.redis)} load ${pct(cpu.load)} other ${pct(cpu.other)}`
  );
}

function formatErrors(name: string, result: LoadResult): string[] {
  return [...result.errors].sort((a, b) => b[1] - a[1]).map(([kind, count]) => `  ${name}: ${count} × ${kind}`);
}

async function main(): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const abort = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts += 1;
    if (interrupts === 1) {
      process.stderr.write('\ninterrupted: stopping the load, the servers and deleting the keys (Ctrl-C again to quit at once)\n');
      abort.abort();
    } else {
      for (const child of children) child.process.kill('SIGKILL');
      process.exit(130);
    }
  });
  process.on('SIGTERM', () => abort.abort());
  const signal = abort.signal;
  const checkInterrupted = (): void => {
    if (signal.aborted) throw new Interrupted();
  };

  const runId = randomBytes(4).toString('hex');
  const prefix = `kefu-bench:${runId}:`;
  // Read before pinning: afterwards this process sees only the cores it was pinned to.
  const cores = os.availableParallelism();
  const pinning = describePinning(options);
  let ownRedis: Child | null = null;
  if (options.ownRedis) {
    try {
      ownRedis = await startOwnRedis(pinning.loadCpus, signal);
    } catch (error) {
      await Promise.all([...children].map((child) => stopChild(child)));
      if (error instanceof Interrupted) return 130;
      process.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
    options.redisUrl = ownRedis.url;
  }
  const redis = new Redis(options.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'kefu-bench' });
  let redisTrouble: string | null = null;
  redis.on('error', (error: Error) => {
    redisTrouble = error.message; // says why a failed connect failed (ECONNREFUSED, ...)
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    process.stderr.write(`cannot reach Redis at ${options.redisUrl}: ${redisTrouble ?? (error as Error).message}\n`);
    redis.disconnect();
    await Promise.all([...children].map((child) => stopChild(child)));
    return 1;
  }

  const [load1] = os.loadavg();
  const modeText = options.rounds === undefined ? `${options.seconds} s per target` : `${options.rounds} dialogue(s) per buyer per pass`;
  const print = (line = ''): void => {
    process.stdout.write(`${line}\n`);
  };
  print(`Kefu bench: ${options.conversations} concurrent conversations, 5-turn size-advice dialogue over POST /webchat/messages, ${modeText}`);
  print(`machine: ${cores} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}, load average ${load1?.toFixed(2)} before start`);
  print(`pinning: ${pinning.text}`);
  print(
    ownRedis === null
      ? `redis: ${options.redisUrl}, keys under ${prefix}`
      : `redis: private redis-server at ${options.redisUrl}${pinning.loadCpus === null ? '' : ', pinned with the load generator'}, keys under ${prefix}`,
  );

  const agents = new Map<TargetName, http.Agent>();
  const targets: readonly TargetName[] = BOTKIT_INSTALLED ? ['floor', 'kefu', 'botkit'] : ['floor', 'kefu'];
  const results = new Map<TargetName, LoadResult[]>(targets.map((target) => [target, []]));
  const passes: Pass[] = [];
  let broken: string | null = null;
  let interrupted = false;
  let kefu: Child | null = null;
  // eslint-disable-next-line no-useless-assignment -- read by the clean-up below when a start fails before it is set
  let floor: Child | null = null;
  let profileText: string | null = null;

  try {
    if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
    [floor, kefu] = await Promise.all([
      startChild('floor server', 'bench/floor-server.ts', { REDIS_URL: options.redisUrl, KEFU_BENCH_PREFIX: `${prefix}floor:` }, { cpu: pinning.serverCpu, signal }),
      startChild(
        'kefu server',
        'server.ts',
        // The load comes from one address at a rate no buyer reaches: the web chat's limits are lifted
        // (they are still counted in Redis, so their cost is in the figures).
        { REDIS_URL: options.redisUrl, KEFU__SESSIONS__KEYPREFIX: `${prefix}kefu:`, LOG_LEVEL: 'warn', KEFU__WEBCHAT__RATELIMIT__PERADDRESS: '1000000', KEFU__WEBCHAT__RATELIMIT__PERCONVERSATION: '100000' },
        {
          cpu: pinning.serverCpu,
          signal,
          nodeFlags: options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [],
        },
      ),
    ]);
    const servers = new Map<TargetName, Child>([['floor', floor], ['kefu', kefu]]);
    if (BOTKIT_INSTALLED) servers.set('botkit', await startChild('botkit peer', 'bench/botkit-peer.ts', {}, { cpu: pinning.serverCpu, signal }));
    else print('botkit: the optional bridge is not installed (cd adapters/channels/botkit-bridge && npm ci --ignore-scripts): no Botkit peer, no botkit_ratio');
    const kefuLinesBefore = kefu.lineCount();
    for (const name of targets) {
      agents.set(name, new http.Agent({ keepAlive: true, maxSockets: options.conversations, maxFreeSockets: options.conversations }));
    }

    const drive = (target: TargetName, phase: string, seconds: number, rounds: number | undefined): Promise<LoadResult> =>
      runLoad({
        url: servers.get(target)!.url,
        agent: agents.get(target)!,
        conversations: options.conversations,
        seconds,
        ...(rounds === undefined ? {} : { rounds }),
        dialogue: SIZE_ADVICE_DIALOGUE,
        checkAnswers: target !== 'floor',
        idPrefix: `${runId}-${phase}`,
        signal,
      });

    if (options.warmupSeconds > 0) {
      print(`warm-up: ${options.warmupSeconds} s each (not counted)`);
      for (const target of targets) {
        const warm = await drive(target, `${target}-warm`, options.warmupSeconds, undefined);
        checkInterrupted();
        if (warm.messages === 0) throw new Error(`${target} answered nothing during the warm-up: ${[...warm.errors.keys()].join(', ')}`);
      }
    }

    // ABBA order (floor, kefu, kefu, floor, ...): a drift that is steady over the run (the JIT still
    // warming, a machine slowly getting busier) falls on both targets alike with an even pass count.
    const order = (pass: number): readonly TargetName[] => (pass % 2 === 1 ? targets : [...targets].reverse());
    print(`measuring: ${options.passes} passes each, in the order ${Array.from({ length: options.passes }, (_, i) => order(i + 1).join(', ')).join(', ')}`);
    // With --rounds, a pass ends when every buyer has run its dialogues; the time limit is a safety net.
    const passSeconds = options.rounds === undefined ? options.seconds / options.passes : 600;
    for (let pass = 1; pass <= options.passes; pass += 1) {
      for (const target of order(pass)) {
        const server = servers.get(target)!;
        const before = await cpuSnapshot(server, redis);
        const result = await drive(target, `${target}-${pass}`, passSeconds, options.rounds);
        const after = await cpuSnapshot(server, redis);
        checkInterrupted();
        results.get(target)!.push(result);
        const entry: Pass = { target, pass, summary: summarize(result), cpu: cpuShare(before, after, result.messages) };
        passes.push(entry);
        print(formatPass(entry));
      }
    }
    // Warnings under load (a lease lost, Redis trouble) change what the figures mean: show them.
    const kefuLines = kefu.lineCount() - kefuLinesBefore;
    if (kefuLines > 0) print(`kefu server wrote ${kefuLines} log line(s) at warn level or above during the run; the last:\n${kefu.output().split('\n').slice(-3).join('\n')}`);
  } catch (error) {
    if (error instanceof Interrupted || signal.aborted) interrupted = true;
    else broken = error instanceof Error ? error.message : String(error);
  } finally {
    for (const agent of agents.values()) agent.destroy();
    await Promise.all([...children].filter((child) => child !== ownRedis).map((child) => stopChild(child)));
    if (ownRedis !== null) {
      redis.disconnect();
      await stopChild(ownRedis);
      print('cleaned up: servers and the private redis-server (with every key) stopped');
    } else {
      try {
        const deleted = await deleteKeysByPrefix(redis, prefix);
        print(`cleaned up: ${deleted} Redis keys under ${prefix}, servers stopped`);
      } catch (error) {
        process.stderr.write(`could not delete the keys under ${prefix}: ${(error as Error).message}; delete them by hand\n`);
      }
      redis.disconnect();
    }
  }

  if (options.profileDir && kefu !== null) {
    // node --cpu-prof writes CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile per thread; thread 0
    // is the main one (thread 1 is tsx's module loader, busy only at start-up).
    const mainThread = new RegExp(`^CPU\\.\\d+\\.\\d+\\.${kefu.process.pid}\\.0\\.\\d+\\.cpuprofile$`);
    try {
      const profile = readdirSync(options.profileDir).find((file) => mainThread.test(file));
      profileText =
        profile === undefined
          ? `no CPU profile of the Kefu server (pid ${kefu.process.pid}) in ${options.profileDir}`
          : `Kefu CPU profile (${path.join(options.profileDir, profile)}), whole run incl. start-up and warm-up:\n` +
            formatProfileSummary(summarizeCpuProfile(path.join(options.profileDir, profile)));
    } catch (error) {
      profileText = `could not read the CPU profile: ${(error as Error).message}`;
    }
  }

  if (interrupted) {
    print('interrupted: no figures');
    return 130;
  }
  if (broken !== null) {
    process.stderr.write(`bench failed: ${broken}\n`);
    return 1;
  }
  if (profileText !== null) print(profileText);

  const floorAll = mergeResults(results.get('floor')!);
  const kefuAll = mergeResults(results.get('kefu')!);
  const floorSummary = summarize(floorAll);
  const kefuSummary = summarize(kefuAll);
  const botkitAll = BOTKIT_INSTALLED ? mergeResults(results.get('botkit')!) : null;
  const errorLines = [...formatErrors('floor', floorAll), ...formatErrors('kefu', kefuAll), ...(botkitAll ? formatErrors('botkit', botkitAll) : [])];
  if (errorLines.length > 0) {
    print('errors:');
    for (const line of errorLines) print(line);
  }
  /** Server CPU ms per answered message over every pass of the target; null when /proc was unreadable. */
  const msPerMessage = (target: TargetName): number | null => {
    const mine = passes.filter((pass) => pass.target === target);
    let weighted = 0;
    let messages = 0;
    for (const pass of mine) {
      if (pass.cpu.serverMsPerMessage === null) return null;
      weighted += pass.cpu.serverMsPerMessage * pass.summary.messages;
      messages += pass.summary.messages;
    }
    return messages === 0 ? null : weighted / messages;
  };
  const spread = (target: TargetName): string => {
    const rates = passes.filter((pass) => pass.target === target).map((pass) => pass.summary.messagesPerSecond);
    return `${Math.min(...rates).toFixed(0)}-${Math.max(...rates).toFixed(0)}`;
  };
  print();
  print('target   messages/s  (passes)     p50 ms   p90 ms   p99 ms   errors   server cpu ms/msg');
  const rows: [TargetName, LoadSummary][] = [['floor', floorSummary], ['kefu', kefuSummary], ...(botkitAll ? [['botkit', summarize(botkitAll)] as [TargetName, LoadSummary]] : [])];
  for (const [name, summary] of rows) {
    const cpuMs = msPerMessage(name);
    print(
      `${name.padEnd(8)} ${summary.messagesPerSecond.toFixed(0).padStart(10)}  ${`(${spread(name)})`.padEnd(11)} ${summary.p50.toFixed(1).padStart(8)} ` +
        `${summary.p90.toFixed(1).padStart(8)} ${summary.p99.toFixed(1).padStart(8)} ${String(summary.errors).padStart(8)} ` +
        `${(cpuMs === null ? '?' : cpuMs.toFixed(3)).padStart(19)}`,
    );
  }
  const floorCpu = msPerMessage('floor');
  const kefuCpu = msPerMessage('kefu');
  if (floorCpu !== null && kefuCpu !== null && kefuCpu > 0) {
    // Less sensitive to other load on the machine than the throughput ratio: what a message costs the server.
    print(`server cpu per message, floor / kefu: ${(floorCpu / kefuCpu).toFixed(2)}`);
  }
  const botkitCpu = botkitAll ? msPerMessage('botkit') : null;
  // Messages per server CPU-second, Kefu over Botkit: Botkit's CPU per message over Kefu's.
  const botkitRatio = botkitCpu !== null && kefuCpu !== null && kefuCpu > 0 ? botkitCpu / kefuCpu : null;
  const ratio = floorSummary.messagesPerSecond > 0 ? kefuSummary.messagesPerSecond / floorSummary.messagesPerSecond : 0;
  const verdict = (ok: boolean): string => (ok ? 'met' : 'missed');
  print(
    `targets at ${options.conversations} conversations: ratio >= ${TARGET_RATIO.toFixed(2)} ${verdict(ratio >= TARGET_RATIO)}, ` +
      `kefu p99 < ${TARGET_P99_MS} ms ${verdict(kefuSummary.p99 < TARGET_P99_MS)}` +
      (botkitRatio === null ? '' : `, botkit_ratio >= ${TARGET_BOTKIT_RATIO} ${verdict(botkitRatio >= TARGET_BOTKIT_RATIO)}`),
  );
  print();
  for (const line of await benchTypingSuggestions()) print(line);
  if (botkitRatio !== null) print(`botkit_ratio: ${botkitRatio.toFixed(2)}`);
  print(`ratio: ${ratio.toFixed(2)}`);
  const botkitBroken = botkitAll !== null && (botkitAll.errors.size > 0 || botkitAll.messages === 0);
  return floorSummary.errors + kefuSummary.errors > 0 || floorSummary.messages === 0 || kefuSummary.messages === 0 || botkitBroken ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
