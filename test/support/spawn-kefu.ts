// Starts Kefu as its own operating-system process (`node --import tsx server.ts`), configured only
// through the environment the way an operator would, for tests that need several servers sharing
// one Redis or that check what the process itself prints. Each process runs on a free loopback
// port (PORT=0; the real port is read back from the "listening" log line, so there is no race
// between choosing a port and binding it).

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Output kept per stream: enough for a failure report, bounded for long runs. */
const MAX_KEPT_CHARS = 256 * 1024;

export interface SpawnKefuOptions {
  /** REDIS_URL; sessions stay in the process's memory when absent. */
  redisUrl?: string;
  /** KEFU__SESSIONS__KEYPREFIX; give every test its own (uniquePrefix()). */
  keyPrefix?: string;
  /** KEFU_FLOWS_DIR; the demo shop's flows when absent. */
  flowsDir?: string;
  /** PORT; 0 (a free port) when absent. */
  port?: number;
  /** LOG_LEVEL; "info" when absent, so the start-up line can be read. */
  logLevel?: string;
  /** Any other variables (KEFU__SECTION__KEY=value). */
  env?: Record<string, string>;
  /** How long to wait for the "listening" line before giving up (default 60 s: tsx compiles on start). */
  readyTimeoutMs?: number;
}

export interface SpawnedKefu {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly pid: number;
  /** The "Kefu is listening on …" log message. */
  readonly listeningMessage: string;
  /** Everything the process wrote to stdout (JSON log lines) so far. */
  stdout(): string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Stops the process (SIGTERM, then SIGKILL if it lingers) and waits until it has exited. */
  stop(): Promise<void>;
}

// Variables of the test runner's own environment that would configure the child behind the test's back.
const INHERITED_CONFIG = /^(PORT|HOST|REDIS_URL|REDIS_CLUSTER_NODES|REDIS_SENTINEL_NODES|REDIS_SENTINEL_MASTER|LOG_LEVEL|KEFU_.*|KEFU__.*)$/i;

/** Starts server.ts in a child process and resolves once it logs that it is listening. */
/**
 * Web chat limits no test reaches by accident: every test sends from 127.0.0.1, many messages to one
 * server. The limits' own tests (test/webchat/webchat-rate-limits.test.ts) set the limits they try.
 */
export const LIFTED_RATE_LIMITS: Record<string, string> = {
  KEFU__WEBCHAT__RATELIMIT__PERADDRESS: '1000000',
  KEFU__WEBCHAT__RATELIMIT__PERCONVERSATION: '100000',
};

export async function spawnKefu(options: SpawnKefuOptions = {}): Promise<SpawnedKefu> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !INHERITED_CONFIG.test(name)) env[name] = value;
  }
  Object.assign(env, {
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'info',
    ...LIFTED_RATE_LIMITS,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...(options.keyPrefix ? { KEFU__SESSIONS__KEYPREFIX: options.keyPrefix } : {}),
    ...(options.flowsDir ? { KEFU_FLOWS_DIR: options.flowsDir } : {}),
    ...options.env,
  });

  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));

  let out = '';
  let err = '';
  const keep = (kept: string, chunk: string): string => {
    const joined = kept + chunk;
    return joined.length > MAX_KEPT_CHARS ? joined.slice(-MAX_KEPT_CHARS) : joined;
  };
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err = keep(err, chunk);
  });

  const report = (why: string): Error =>
    new Error(`${why}\n--- stderr of server.ts (pid ${child.pid}) ---\n${err.slice(-8000)}\n--- stdout ---\n${out.slice(-8000)}`);

  const listening = await new Promise<{ url: string; message: string }>((resolve, reject) => {
    let pending = '';
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      settle(() => {
        child.kill('SIGKILL');
        reject(report(`server.ts did not log "listening" within ${timeoutMs} ms`));
      });
    }, timeoutMs);
    // The stream is read for the process's whole life: a full pipe would block its logging.
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out = keep(out, chunk);
      if (settled) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const found = listeningLine(line);
        if (found) return settle(() => resolve(found));
      }
    });
    // 'close' rather than 'exit': by then everything the process wrote has been read.
    child.once('close', (code, signal) => {
      settle(() => reject(report(`server.ts exited before listening (code ${code}, signal ${signal})`)));
    });
    child.once('error', (error) => settle(() => reject(report(`server.ts could not be started: ${error.message}`))));
  });

  return {
    url: listening.url,
    pid: child.pid!,
    listeningMessage: listening.message,
    stdout: () => out,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const lingering = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(lingering);
      }
      await exited;
    },
  };
}

/** The URL in a pino line such as {"msg":"Kefu is listening on http://127.0.0.1:41234 — sessions in Redis"}. */
function listeningLine(line: string): { url: string; message: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return null;
  }
  const message = (parsed as { msg?: unknown } | null)?.msg;
  if (typeof message !== 'string' || !message.includes('listening')) return null;
  const url = /https?:\/\/[^\s/]+:\d+/.exec(message)?.[0];
  return url ? { url, message } : null;
}

// A test run that dies must not leave servers behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
