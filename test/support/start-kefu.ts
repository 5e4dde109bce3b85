// Starts a real Kefu server on a free loopback port for a test, configured the way an operator
// would (environment variables through the real config loader), with silent logs.

import { loadConfig } from '../../config/load-config.ts';
import { createLogger } from '../../adapters/logging/create-logger.ts';
import { startServer, type RunningServer } from '../../server.ts';
import { uniquePrefix } from './redis-server.ts';
import { LIFTED_RATE_LIMITS } from './spawn-kefu.ts';

export interface TestKefuOptions {
  /** Run on Redis (sessions, line, ledger, mailbox) at this URL; in memory when absent. */
  redisUrl?: string;
  /** Flows folder; the demo shop's flows when absent. */
  flowsDir?: string;
  /** Any other environment overrides (KEFU__SECTION__KEY=value). */
  env?: Record<string, string>;
}

export async function startTestKefu(options: TestKefuOptions = {}): Promise<RunningServer> {
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    KEFU__FLOWS__WATCH: 'false',
    ...LIFTED_RATE_LIMITS,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl, KEFU__SESSIONS__KEYPREFIX: uniquePrefix('kefu') } : {}),
    ...(options.flowsDir ? { KEFU_FLOWS_DIR: options.flowsDir } : {}),
    ...options.env,
  };
  const { config } = loadConfig({ env });
  return startServer(config, createLogger({ level: config.logging.level }));
}

/** What the web chat answered: the status, the body parsed as JSON (the raw text when it is not JSON), the headers. */
export interface WebchatAnswer {
  status: number;
  body: any;
  headers: Headers;
}

/** POSTs a web chat message as JSON (a string body is sent as it is) and returns the answer. */
export function postMessage(baseUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<WebchatAnswer> {
  return postRawMessage(baseUrl, typeof body === 'string' ? body : JSON.stringify(body), {
    'content-type': 'application/json',
    ...headers,
  });
}

/** POSTs body to the web chat exactly as given, with no headers but those named: what a careless integration sends. */
export async function postRawMessage(baseUrl: string, body: BodyInit, headers: Record<string, string> = {}): Promise<WebchatAnswer> {
  return readAnswer(await fetch(`${baseUrl}/webchat/messages`, { method: 'POST', headers, body }));
}

/** Reads a web chat answer, keeping a body that is not JSON as raw text for the assertion message. */
export async function readAnswer(response: Response): Promise<WebchatAnswer> {
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: the raw text it is
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
