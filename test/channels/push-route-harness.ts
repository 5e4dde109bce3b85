// A platform's push route alone on a loopback HTTP server, with an in-memory inbox and a clock the
// test sets: how the vendors' own samples (dated years ago) are pushed through the real route at the
// time they were sent, and what was queued is looked at directly.

import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../../adapters/http/http-server.ts';
import { MemoryChannelState } from '../../adapters/channels/shared/memory-channel-state.ts';
import type { InboundMessage } from '../../dialogs/messages.ts';
import { silentLogger, type Clock } from '../../dialogs/ports.ts';

export interface PushAnswer {
  status: number;
  body: string;
  /** The kefu-push header: what Kefu made of the push. */
  outcome: string | null;
  reason: string | null;
}

export interface PushRouteHarness {
  url: string;
  clock: Clock & { set(ms: number): void };
  state: MemoryChannelState;
  /** The messages queued, in order. */
  queued: InboundMessage[];
  post(path: string, body: string, headers: Record<string, string>): Promise<PushAnswer>;
  close(): Promise<void>;
}

export async function startPushRouteHarness(register: (http: FastifyInstance, parts: { state: MemoryChannelState; clock: Clock }) => Promise<void>): Promise<PushRouteHarness> {
  let now = Date.now();
  const clock = { now: () => now, set: (ms: number) => void (now = ms) };
  const state = new MemoryChannelState({ dedupeSeconds: 86_400, optionsSeconds: 600, retryBaseMs: 10, maxRetryMs: 50, maxAttempts: 2 }, silentLogger, clock);
  const queued: InboundMessage[] = [];
  state.start(async (message) => void queued.push(message));
  const http = createHttpServer({ bodyLimitBytes: 65_536, logger: silentLogger });
  await register(http, { state, clock });
  await http.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(http.server.address() as { port: number }).port}`;
  return {
    url,
    clock,
    state,
    queued,
    async post(path, body, headers) {
      const response = await fetch(url + path, { method: 'POST', headers, body });
      return { status: response.status, body: await response.text(), outcome: response.headers.get('kefu-push'), reason: response.headers.get('kefu-push-reason') };
    },
    async close() {
      await http.close();
      await state.close();
    },
  };
}
