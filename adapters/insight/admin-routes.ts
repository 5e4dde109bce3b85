// The merchant's dashboard and its APIs, all behind the admin token (admin-access.ts):
//   GET  /admin                         the dashboard page (a login form without access)
//   POST /admin/login                   {"token": "..."} → the dashboard cookie
//   GET  /admin/assets/*                uPlot (from node_modules) and the page's script
//   GET  /admin/api/overview            live series, hot topics (5 m, 1 h, 1 d), results
//   GET  /admin/api/stream              the same overview as Server-Sent Events, refreshed live
//   GET  /admin/api/trainer/clusters    what the bot did not understand, grouped, and the intents
//   POST /admin/api/trainer/teach       teach a group to an intent (validated, written, reloaded)
//   GET  /admin/api/flows               flow names;  GET /admin/api/flows/<name>.svg  its diagram
//   GET  /admin/api/channels            marketplace tokens: when they end, renewals that failed
//   …/admin/api/buyer-tags, /admin/api/buyers/tags   buyer tags (buyer-tag-routes.ts)
//   GET  /admin/api/agents              the agents' figures (agent-routes.ts)
//   GET  /metrics                       Prometheus text format (Authorization: Bearer <token>)
// Without a configured token all of it answers 404 saying that the dashboard is off.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FlowSet } from '../../dialogs/flows/load-flows.ts';
import { hotTopics, PERIODS } from '../../dialogs/insight/hot-topics.ts';
import { computeResults, minuteSeries } from '../../dialogs/insight/results.ts';
import { INTENT_NAME, type TeachRequest } from '../../dialogs/insight/robot-trainer.ts';
import type { Clock, Logger } from '../../dialogs/ports.ts';
import { strictBodyValidator } from '../http/http-server.ts';
import { adminCredential, sameSecret, sessionCookie } from './admin-access.ts';
import type { Insight } from './insight.ts';
import { tokenReport } from './channel-token-status.ts';
import { registerAgentRoutes, type AgentRoutesOptions } from './agent-routes.ts';
import { registerBuyerTagRoutes, type BuyerTagRoutesOptions } from './buyer-tag-routes.ts';
import { computeAgentFigures } from '../../dialogs/insight/agent-figures.ts';
import { flowDiagramSvg } from './flow-diagram.ts';
import { WrongTokenLimit } from './wrong-token-limit.ts';

export interface AdminRoutesOptions {
  token: string | null;
  insight: Insight;
  flows: () => FlowSet;
  agentDailyCapacity: number;
  liveUpdateMs: number;
  clock: Clock;
  logger: Logger;
  /** The agents' figures (agent-routes.ts); absent: not mounted. */
  agents?: Omit<AgentRoutesOptions, 'store' | 'clock' | 'logger'>;
  /** Buyer tags' admin API (buyer-tag-routes.ts); absent: not mounted. */
  buyerTags?: Omit<BuyerTagRoutesOptions, 'store' | 'clock' | 'logger'>;
}

const require = createRequire(import.meta.url);
const PAGE = readFileSync(new URL('./public/admin.html', import.meta.url), 'utf8');
const LOGIN_PAGE = readFileSync(new URL('./public/login.html', import.meta.url), 'utf8');
// A Map, not an object literal: a name such as "__proto__" or "constructor" must find nothing.
const ASSETS = new Map<string, { type: string; body: Buffer }>([
  ['uplot.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')) }],
  ['uplot.css', { type: 'text/css; charset=utf-8', body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')) }],
  ['admin.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('./public/admin.js', import.meta.url)) }],
]);
const OFF_MESSAGE = 'The dashboard is off: set admin.token (as ${env:KEFU_ADMIN_TOKEN}) to turn on /admin and /metrics.';
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const LOCAL_TEXT = {
  type: 'object',
  additionalProperties: false,
  required: ['zh-Hans', 'zh-Hant', 'en'],
  properties: Object.fromEntries(['zh-Hans', 'zh-Hant', 'en'].map((l) => [l, { type: 'string', minLength: 1, maxLength: 100 }])),
} as const;

const teachSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clusterId'],
  properties: {
    clusterId: { type: 'string', pattern: '^[0-9a-f]{12}$' },
    intent: { type: 'string', pattern: INTENT_NAME.source },
    newIntent: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'label'],
      properties: { name: { type: 'string', pattern: INTENT_NAME.source }, label: LOCAL_TEXT },
    },
    examples: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 200 } },
  },
} as const;

const loginSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token'],
  properties: { token: { type: 'string', minLength: 1, maxLength: 1024 } },
} as const;

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

export function registerAdminRoutes(http: FastifyInstance, options: AdminRoutesOptions): void {
  const { token, insight, clock, logger } = options;
  if (token === null) {
    const off = async (_request: FastifyRequest, reply: FastifyReply) => reply.status(404).send({ error: OFF_MESSAGE });
    http.all('/admin', off);
    http.all('/admin/*', off);
    http.all('/metrics', off);
    return;
  }

  // Every wrong token counts, on every route (admin-access.ts says which credential was shown).
  const limit = new WrongTokenLimit(clock);
  /** Counts and logs a wrong token (address and route, never the token); the seconds to wait once over the limit, else 0. */
  const wrongToken = (request: FastifyRequest, credential: 'bearer' | 'cookie' | 'sign-in'): number => {
    const retryAfter = limit.noteWrong(request.ip);
    const route = `${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`;
    logger.warn({ address: request.ip, route, credential, ...(retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}) }, 'wrong admin token');
    return retryAfter;
  };
  const refusal = (reply: FastifyReply, retryAfter: number): FastifyReply =>
    retryAfter > 0 ? reply.status(429).header('retry-after', String(retryAfter)) : reply.status(401);

  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const path = request.url.split('?')[0];
    // /metrics takes the header only: the dashboard's cookie is scoped to /admin.
    const access = adminCredential(request, token, { cookie: path !== '/metrics' });
    if (access.granted) return undefined;
    securityHeaders(reply);
    const retryAfter = access.shown ? wrongToken(request, access.shown) : 0;
    refusal(reply, retryAfter);
    // The sign-in form stays reachable while the address is throttled: the right token still opens it.
    if (request.method === 'GET' && path === '/admin') return reply.type('text/html; charset=utf-8').send(LOGIN_PAGE);
    if (retryAfter > 0) return reply.send({ error: 'too many wrong tokens from this address; wait and try again' });
    return reply.header('www-authenticate', `Bearer realm="${path === '/metrics' ? 'kefu-metrics' : 'kefu-admin'}"`).send({ error: 'the admin token is missing or wrong' });
  };

  http.register(async (admin) => {
    admin.addHook('onRequest', async (request, reply) => {
      if (request.url === '/admin/login' && request.method === 'POST') return;
      return guard(request, reply);
    });
    // The login page is a plain HTML form (no script runs before access is granted).
    admin.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    admin.post<{ Body: { token: string } }>('/admin/login', { schema: { body: loginSchema }, validatorCompiler: strictBodyValidator }, async (request, reply) => {
      securityHeaders(reply);
      const fromForm = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      // The right token is checked first: however many wrong ones came from this address, it signs in.
      if (!sameSecret(request.body.token, token)) {
        const retryAfter = wrongToken(request, 'sign-in');
        refusal(reply, retryAfter);
        if (fromForm) return reply.type('text/html; charset=utf-8').send(LOGIN_PAGE.replace('<p id="wrong" hidden>', '<p id="wrong">'));
        return reply.send({ error: retryAfter > 0 ? 'too many wrong tokens from this address; wait and try again' : 'wrong token' });
      }
      reply.header('set-cookie', sessionCookie(token, request.protocol === 'https'));
      // Relative: back to the dashboard this form came from, wherever Kefu is mounted (/admin, /shops/tea/admin, /kefu/admin).
      return fromForm ? reply.redirect('../admin', 303) : reply.status(204).send();
    });

    admin.all('/admin/*', async (_request, reply) => reply.status(404).send({ error: 'not found' }));

    admin.get('/admin', async (_request, reply) => securityHeaders(reply).type('text/html; charset=utf-8').send(PAGE));

    admin.get<{ Params: { name: string } }>('/admin/assets/:name', async (request, reply) => {
      const asset = ASSETS.get(request.params.name);
      if (!asset) return reply.status(404).send({ error: 'not found' });
      return securityHeaders(reply).type(asset.type).send(asset.body);
    });

    // Every open dashboard in this process shares one read of the store per refresh.
    let cached: { at: number; value: Promise<Overview> } | null = null;
    const overview = (): Promise<Overview> => {
      const now = clock.now();
      if (cached && now - cached.at < Math.min(1000, options.liveUpdateMs / 2)) return cached.value;
      const value = readOverview(now);
      cached = { at: now, value };
      value.catch(() => (cached = null));
      return value;
    };
    const readOverview = async (now: number) => {
      const [series, hot, results] = await Promise.all([
        minuteSeries(insight.store, now, 60),
        Promise.all(PERIODS.map((period) => hotTopics(insight.store, period, now))),
        computeAgentFigures(insight.store, now).then(({ measuredDailyRate }) =>
          computeResults(insight.store, now, { agentDailyCapacity: options.agentDailyCapacity, reminders: insight.reminders, measuredDailyRate }),
        ),
      ]);
      return { at: now, series, hotTopics: hot, results };
    };
    type Overview = Awaited<ReturnType<typeof readOverview>>;

    admin.get('/admin/api/overview', async (_request, reply) => {
      securityHeaders(reply);
      try {
        return reply.send(await overview());
      } catch (error) {
        logger.warn({ err: (error as Error).message }, 'dashboard could not read the insight store');
        return reply.status(503).header('retry-after', '5').send({ error: 'the numbers are unavailable right now (is Redis reachable?); try again shortly' });
      }
    });

    admin.get('/admin/api/stream', (request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      raw.write('retry: 3000\n\n');
      let closed = false;
      let sending = false;
      let again = false;
      let soon: NodeJS.Timeout | null = null;
      const send = async (): Promise<void> => {
        if (closed) return;
        if (sending) {
          again = true;
          return;
        }
        sending = true;
        try {
          const data = await overview();
          if (!closed) raw.write(`event: overview\ndata: ${JSON.stringify(data)}\n\n`);
        } catch (error) {
          if (!closed) raw.write(`event: problem\ndata: ${JSON.stringify({ error: 'numbers unavailable' })}\n\n`);
          logger.warn({ err: (error as Error).message }, 'dashboard stream could not read the insight store');
        } finally {
          sending = false;
          if (again) {
            again = false;
            void send();
          }
        }
      };
      // A turn in this process refreshes at once (coalesced); other processes' turns show at the next tick.
      const onRecorded = (): void => {
        soon ??= setTimeout(() => {
          soon = null;
          void send();
        }, 200);
      };
      insight.onRecorded.add(onRecorded);
      const timer = setInterval(() => void send(), options.liveUpdateMs);
      raw.on('close', () => {
        closed = true;
        clearInterval(timer);
        if (soon) clearTimeout(soon);
        insight.onRecorded.delete(onRecorded);
      });
      void send();
    });

    admin.get('/admin/api/trainer/clusters', async (_request, reply) => {
      if (!insight.trainer) return reply.status(503).send({ error: 'the trainer is not available' });
      const intents = [...options.flows().intents].map(([name, definition]) => ({ name, label: definition.label }));
      securityHeaders(reply);
      try {
        return reply.send({ clusters: await insight.trainer.clusters(), intents });
      } catch (error) {
        logger.warn({ err: (error as Error).message }, 'trainer could not read the insight store');
        return reply.status(503).header('retry-after', '5').send({ error: 'the kept messages are unavailable right now (is Redis reachable?); try again shortly' });
      }
    });

    admin.post<{ Body: TeachRequest }>('/admin/api/trainer/teach', { schema: { body: teachSchema }, validatorCompiler: strictBodyValidator }, async (request, reply) => {
      if (!insight.trainer) return reply.status(503).send({ error: 'the trainer is not available' });
      securityHeaders(reply);
      let result;
      try {
        result = await insight.trainer.teach(request.body);
      } catch (error) {
        logger.warn({ err: (error as Error).message }, 'trainer could not teach');
        return reply.status(503).header('retry-after', '5').send({ error: 'the trainer cannot work right now (is Redis reachable?); nothing was changed' });
      }
      if (!result.ok) return reply.status(result.status).send({ error: result.error, ...(result.problems ? { problems: result.problems } : {}) });
      return reply.send(result);
    });

    admin.get('/admin/api/flows', async (_request, reply) => securityHeaders(reply).send({ flows: [...options.flows().flows.keys()].sort() }));

    admin.get<{ Params: { file: string } }>('/admin/api/flows/:file', async (request, reply) => {
      const match = /^([A-Za-z0-9_-]{1,100})\.svg$/.exec(request.params.file);
      const flow = match ? options.flows().flows.get(match[1]!) : undefined;
      if (!match || !flow) return reply.status(404).send({ error: 'no such flow' });
      return securityHeaders(reply).type('image/svg+xml; charset=utf-8').send(flowDiagramSvg(match[1]!, flow));
    });

    admin.get('/admin/api/channels', async (_request, reply) => {
      const now = clock.now();
      const channels = [...insight.channelTokens].map((status) => tokenReport(status(), now)).sort((a, b) => a.channel.localeCompare(b.channel));
      return securityHeaders(reply).send({ at: now, channels });
    });

    if (options.agents) registerAgentRoutes(admin, { ...options.agents, store: insight.store, clock, logger });
    if (options.buyerTags) registerBuyerTagRoutes(admin, { ...options.buyerTags, store: insight.store, clock, logger });

    // The guard above let only the Bearer token through (no cookie).
    admin.get('/metrics', async (_request, reply) => {
      return reply.type(insight.metrics.contentType).send(await insight.metrics.metrics());
    });
  });
}
