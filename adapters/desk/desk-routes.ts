// Kefu's own agent desk, on Kefu's HTTP server (docs/desk.md):
//   GET  /desk, /desk/desk.js              the page (sign-in, queue, buyer card, reply box)
//   POST /desk/api/sign-in                 name + password → session cookie (wrong passwords counted)
//   GET  /desk/api/sso?token=…             the shop's signed token for an agent → the same session
//                                          cookie, then to the desk (only with desk.sso.secret set)
//   POST /desk/api/sign-out
//   GET  /desk/api/me                      who is signed in, and the CSRF token
//   GET  /desk/api/handoffs                open hand-offs: queues with counts, each one's status and wait
//   GET  /desk/api/handoffs/:id            the buyer card: channel, language, product, last turns, notes
//   GET  /desk/api/agents                  the colleagues a conversation can be handed to
//   POST /desk/api/handoffs/:id/claim | reply | note | back-to-bot | close | transfer | assign
// Every /desk/api route but sign-in needs the session cookie; every POST but sign-in also the
// CSRF header. What an agent does goes to the hand-off core as an agent event (the same door as
// Slack's and DingTalk's), so a claim here and a claim in Slack race fairly: the first one wins.

import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentPresence } from '../../dialogs/handoff/agent-presence.ts';
import type { AgentEvent, AgentEventResult } from '../../dialogs/handoff/agent-events.ts';
import { KEFU_DESK, type DeskView } from '../../dialogs/handoff/desk-view.ts';
import type { Clock, Logger } from '../../dialogs/ports.ts';
import type { ProofAttempts } from '../../dialogs/commerce/order-proof.ts';
import { strictBodyValidator } from '../http/http-server.ts';
import type { AgentAccounts } from './agent-accounts.ts';
import type { AgentSso, SsoFailure } from './agent-sso.ts';
import type { DeskColleagues } from './desk-colleagues.ts';
import { CSRF_HEADER, sameToken, type DeskSession, type DeskSessions } from './desk-sessions.ts';

const PAGE = readFileSync(new URL('./public/desk.html', import.meta.url), 'utf8');
const SCRIPT = readFileSync(new URL('./public/desk.js', import.meta.url), 'utf8');

/** Wrong passwords counted per agent name and per client address, within the window. */
export interface SignInLimits {
  perAgent: number;
  perAddress: number;
  windowSeconds: number;
}

export interface DeskRoutesOptions {
  view: DeskView;
  accounts: AgentAccounts;
  /** Who a conversation can be handed to (accounts, and agents signed in through the shop). */
  colleagues: DeskColleagues;
  sessions: DeskSessions;
  attempts: ProofAttempts;
  limits: SignInLimits;
  /** Longest reply or note an agent may send (the buyer's channels take no more). */
  maxTextLength: number;
  /** Flows an agent may hand the buyer back into (handoff.resumeFlows). */
  resumeFlows: readonly string[];
  /** Queues an agent may transfer a hand-off to. */
  queues: readonly string[];
  clock: Clock;
  logger: Logger;
  /** Told whenever a signed-in agent's page asks something (dialogs/handoff/agent-presence.ts). */
  presence?: Pick<AgentPresence, 'seen'>;
  /** Sign-in with the shop's token; absent: /desk/api/sso does not exist. */
  sso?: AgentSso;
}

const HANDOFF_ID = '^[A-Za-z0-9-]{1,64}$';
/** The characters of every agent id (desk.agents, the shop's tokens). */
const AGENT_ID = '^[A-Za-z0-9._-]{1,64}$';
const REQUEST_ID = '^[A-Za-z0-9_-]{8,64}$';

/** HTTP status for each outcome of an agent event. */
const RESULT_STATUS: Record<AgentEventResult['status'], number> = {
  claimed: 200, sent: 200, note: 200, back_to_bot: 200, closed: 200, duplicate: 200, transferred: 200, assigned: 200,
  unknown_queue: 400, assign_to_self: 400, assigned_to_other: 409, not_claimed: 409, already_claimed: 409, ended: 409, undeliverable: 422, unknown_thread: 404,
};

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export function registerDeskRoutes(app: FastifyInstance, options: DeskRoutesOptions): void {
  const { view, accounts, sessions, attempts, limits, clock, logger } = options;
  const secure = (request: FastifyRequest): boolean => request.protocol === 'https';

  app.get('/desk', async (_request, reply) => reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(PAGE));
  app.get('/desk/desk.js', async (_request, reply) => reply.headers(SECURITY_HEADERS).type('text/javascript; charset=utf-8').send(SCRIPT));

  /** The session, or a 401 sent (null). `write`: also the CSRF header, for requests that change something. */
  async function signedIn(request: FastifyRequest, reply: FastifyReply, write: boolean): Promise<DeskSession | null> {
    const session = await sessions.of(request);
    // A password session holds while its account is configured; a shop-signed one while the shop's sign-in is.
    const allowed = session && (session.via === 'sso' ? options.sso !== undefined : accounts.find(session.agentId) !== null);
    if (!session || !allowed) {
      void reply.status(401).headers(SECURITY_HEADERS).send({ error: 'sign in first', code: 'signed_out' });
      return null;
    }
    // A signed-in agent's page asking anything means someone is at the desk.
    void options.presence?.seen(session.agentId);
    if (write) {
      const given = request.headers[CSRF_HEADER];
      if (typeof given !== 'string' || given.length > 200 || !sameToken(given, session.csrf)) {
        void reply.status(403).headers(SECURITY_HEADERS).send({ error: `missing or wrong ${CSRF_HEADER} header`, code: 'csrf' });
        return null;
      }
    }
    return session;
  }

  app.post<{ Body: { agent: string; password: string } }>('/desk/api/sign-in', {
    validatorCompiler: strictBodyValidator,
    schema: { body: { type: 'object', additionalProperties: false, required: ['agent', 'password'], properties: { agent: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 } } } },
  }, async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    // A sign-in posted from another site's page (login CSRF): browsers send Origin on POST.
    const origin = request.headers.origin;
    if (typeof origin === 'string' && origin !== 'null' && new URL(origin).host !== request.headers.host) {
      return reply.status(403).send({ error: 'sign in from the desk page', code: 'origin' });
    }
    const name = request.body.agent.trim().toLowerCase();
    const keys = [`desk-agent:${name}`, `desk-address:${request.ip}`];
    const [agentFailures, addressFailures] = await attempts.failures(keys);
    if ((agentFailures ?? 0) >= limits.perAgent || (addressFailures ?? 0) >= limits.perAddress) {
      logger.warn({ agent: name, address: request.ip }, 'desk sign-in refused: too many wrong passwords');
      return reply.header('retry-after', String(limits.windowSeconds)).status(429).send({ error: 'too many wrong passwords; try again later', code: 'too_many' });
    }
    const account = await accounts.check(name, request.body.password);
    if (!account) {
      await attempts.recordFailure(keys, limits.windowSeconds);
      logger.warn({ agent: name, address: request.ip }, 'desk sign-in: wrong name or password');
      return reply.status(401).send({ error: 'wrong name or password', code: 'wrong_password' });
    }
    const { token, session } = await sessions.create(account.id, account.name, clock.now());
    sessions.setCookie(reply, token, secure(request));
    logger.info({ agent: account.id }, 'agent signed in at the desk');
    void options.presence?.seen(account.id);
    return { agent: { id: account.id, name: account.name }, csrf: session.csrf, resumeFlows: options.resumeFlows, queues: options.queues };
  });

  const sso = options.sso;
  if (sso) {
    app.get<{ Querystring: { token: string } }>('/desk/api/sso', {
      schema: { querystring: { type: 'object', required: ['token'], properties: { token: { type: 'string', minLength: 1, maxLength: 4096 } } } },
    }, async (request, reply) => {
      reply.headers(SECURITY_HEADERS);
      const check = await sso.signIn(request.query.token);
      if (!check.ok) {
        logger.warn({ failure: check.failure, address: request.ip }, 'desk sign-in with the shop\'s token refused');
        return reply.status(401).type('text/html; charset=utf-8').send(ssoRefusedPage(check.failure));
      }
      // An agent also listed in desk.agents is that agent, spelled as there.
      const agent = { id: accounts.find(check.agent.id)?.id ?? check.agent.id, name: check.agent.name };
      const { token } = await sessions.create(agent.id, agent.name, clock.now(), 'sso');
      await options.colleagues.remember(agent);
      sessions.setCookie(reply, token, secure(request));
      logger.info({ agent: agent.id }, 'agent signed in at the desk with the shop\'s token');
      void options.presence?.seen(agent.id);
      // Relative, so the desk is found under any prefix (/shops/<id>/desk, /kefu/desk); 303: the desk is a GET.
      return reply.redirect('../../desk', 303);
    });
  }

  app.post('/desk/api/sign-out', async (request, reply) => {
    if (!(await signedIn(request, reply, true))) return reply;
    await sessions.end(request);
    sessions.clearCookie(reply, secure(request));
    return reply.headers(SECURITY_HEADERS).send({ ok: true });
  });

  app.get('/desk/api/me', async (request, reply) => {
    const session = await signedIn(request, reply, false);
    if (!session) return reply;
    return reply.headers(SECURITY_HEADERS).send({ agent: { id: session.agentId, name: session.name }, csrf: session.csrf, resumeFlows: options.resumeFlows, queues: options.queues });
  });

  app.get('/desk/api/agents', async (request, reply) => {
    const session = await signedIn(request, reply, false);
    if (!session) return reply;
    return reply.headers(SECURITY_HEADERS).send({ agents: await options.colleagues.list() });
  });

  app.get('/desk/api/handoffs', async (request, reply) => {
    const session = await signedIn(request, reply, false);
    if (!session) return reply;
    return reply.headers(SECURITY_HEADERS).send(await view.queue(clock.now()));
  });

  const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: HANDOFF_ID } } };

  app.get<{ Params: { id: string } }>('/desk/api/handoffs/:id', { schema: { params: idParams } }, async (request, reply) => {
    const session = await signedIn(request, reply, false);
    if (!session) return reply;
    const card = await view.card(request.params.id, clock.now());
    if (!card) return reply.status(404).headers(SECURITY_HEADERS).send({ error: 'no such hand-off', code: 'unknown' });
    return reply.headers(SECURITY_HEADERS).send(card);
  });

  type ActionBody = { text?: string; requestId?: string; flow?: string; queue?: string; agent?: string };
  const textBody = (required: boolean) => ({
    type: 'object',
    additionalProperties: false,
    ...(required ? { required: ['text', 'requestId'] } : {}),
    properties: {
      text: { type: 'string', minLength: 1, maxLength: options.maxTextLength },
      requestId: { type: 'string', pattern: REQUEST_ID },
      flow: { type: 'string', maxLength: 64 },
    },
  });
  const transferBody = { type: 'object', additionalProperties: false, required: ['queue'], properties: { queue: { type: 'string', minLength: 1, maxLength: 64 } } };

  const assignBody = { type: 'object', additionalProperties: false, required: ['agent'], properties: { agent: { type: 'string', pattern: AGENT_ID } } };

  const actions: { path: string; body: object; kind: 'claim' | 'message' | 'note' | 'back_to_bot' | 'close' | 'transfer' | 'assign' }[] = [
    { path: 'transfer', body: transferBody, kind: 'transfer' },
    { path: 'assign', body: assignBody, kind: 'assign' },
    { path: 'claim', body: textBody(false), kind: 'claim' },
    { path: 'reply', body: textBody(true), kind: 'message' },
    { path: 'note', body: textBody(true), kind: 'note' },
    { path: 'back-to-bot', body: textBody(false), kind: 'back_to_bot' },
    { path: 'close', body: textBody(false), kind: 'close' },
  ];
  for (const action of actions) {
    app.post<{ Params: { id: string }; Body: ActionBody }>(`/desk/api/handoffs/:id/${action.path}`, {
      validatorCompiler: strictBodyValidator,
      schema: { params: idParams, body: action.body },
    }, async (request, reply) => {
      reply.headers(SECURITY_HEADERS);
      const session = await signedIn(request, reply, true);
      if (!session) return reply;
      const agent = { id: `${KEFU_DESK}:${session.agentId}`, name: session.name };
      const body = request.body ?? {};
      const text = body.text?.trim() ?? '';
      if ((action.kind === 'message' || action.kind === 'note') && !text) return reply.status(400).send({ error: 'text must not be blank', code: 'blank' });
      const at = clock.now();
      try {
        // The colleague is one the desk knows, never a name the page made up.
        const colleague = action.kind === 'assign' ? await options.colleagues.find(body.agent!) : null;
        if (action.kind === 'assign' && !colleague) return reply.status(400).send({ status: 'unknown_agent', error: 'no such agent' });
        if (action.kind === 'note') {
          const noted = await view.addNote(request.params.id, agent, text, at);
          return reply.status(noted === 'ok' ? 200 : noted === 'unknown' ? 404 : 409).send({ status: noted === 'ok' ? 'note' : noted });
        }
        // The page gives each reply an id of its own, so a retried POST sends the reply once.
        const eventId = `${session.agentId}:${body.requestId ?? `${action.kind}-${at}-${Math.random().toString(36).slice(2)}`}`;
        const base = { eventId, thread: { desk: KEFU_DESK, threadId: request.params.id }, agent, at, ownerOnly: true as const };
        const event: AgentEvent =
          action.kind === 'message' ? { ...base, kind: 'message', text, noNoteMarker: true }
          : action.kind === 'back_to_bot' ? { ...base, kind: 'back_to_bot', ...(body.flow ? { resumeFlow: body.flow } : {}) }
          : action.kind === 'transfer' ? { ...base, kind: 'transfer', queue: body.queue! }
          : action.kind === 'assign' ? { ...base, kind: 'assign', to: { id: `${KEFU_DESK}:${colleague!.id}`, name: colleague!.name } }
          : { ...base, kind: action.kind };
        const result = await view.act(event);
        return reply.status(RESULT_STATUS[result.status]).send(result);
      } catch (error) {
        logger.warn({ err: (error as Error).message, action: action.path }, 'desk action failed');
        return reply.header('retry-after', '2').status(503).send({ error: 'could not do it now; try again', code: 'retry' });
      }
    });
  }
}

/**
 * What an agent's browser shows for a refused sign-in link, in the desk's three languages (the page
 * has no language of the agent's yet). The reason is in data-code for the shop's developers.
 */
function ssoRefusedPage(failure: SsoFailure): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Kefu</title></head><body data-code="${failure}">
<p lang="zh-Hans">登录链接无效（已过期、已用过或签名不对）。请回到贵店的系统重新打开客服工作台。</p>
<p lang="zh-Hant">登入連結無效（已過期、已用過或簽章不對）。請回到貴店的系統重新開啟客服工作台。</p>
<p lang="en">This sign-in link does not work (expired, already used, or not signed by your shop). Go back to your shop's system and open the desk again.</p>
</body></html>`;
}
