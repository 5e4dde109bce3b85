// The web chat channel: the shop's own chat page talks to Kefu over plain HTTP.
//   POST /webchat/messages   a buyer's message in, the bot's replies out (JSON)
//   GET  /webchat/events     Server-Sent Events: replies that come later (an agent, a reminder)
//   GET  /                   the demo chat page
//   GET  /webchat/widget.js  the embeddable widget: a chat bubble on any page of the shop
//   GET  /webchat/demo-identity   the demo's own sign-in (only without an identity secret, on demo orders)
// Every web chat route but the page is rate-limited per client address, messages also per
// conversation (webchat-rate-limits.ts): 429 with Retry-After.
// The conversation id is chosen by the page (a random UUID); it is the only key to a conversation's
// stream, so it must be unguessable (see docs/webchat.md).
// Who the buyer is comes only from `identityToken`, the shop's signed token (identity-token.ts,
// docs/webchat-identity.md); without a valid one the visitor is a guest, whatever else the body says.

import { PAGE_KINDS, type PageKind } from '../../dialogs/messages.ts';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DeliveryInProgressError, type ConversationService } from '../../dialogs/conversations.ts';
import type { ConversationRef, InboundMessage } from '../../dialogs/messages.ts';
import { LineBusyError, type Clock, type Logger } from '../../dialogs/ports.ts';
import { strictBodyValidator } from '../http/http-server.ts';
import { isPushItemId, type PushMailbox } from '../stores/push-mailbox.ts';
import type { DemoSignIn } from './demo-sign-in.ts';
import type { IdentityFailure, IdentityVerifier } from './identity-token.ts';
import { TooManyRequests, type WebchatLimits } from './webchat-rate-limits.ts';
import { WEBCHAT_CHANNEL } from './webchat-outbound.ts';

const ID = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:@-]+$' } as const;
/** A shop's id in a deployment of many shops (docs/shops.md): its folder's name. */
export const SHOP_ID = { type: 'string', minLength: 1, maxLength: 32, pattern: '^[a-z0-9][a-z0-9-]{0,31}$' } as const;
/** The shop of a deployment that serves one. */
export const DEFAULT_SHOP = 'default';

const messageBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['conversationId'],
  anyOf: [{ required: ['text'] }, { required: ['payload'] }],
  properties: {
    // Which shop of the deployment the page belongs to (docs/shops.md); the one at the root when absent.
    shop: SHOP_ID,
    conversationId: ID,
    messageId: ID,
    // The page's number for the message in its conversation, 1, 2, 3…: a message is handled after
    // the one numbered before it (waiting up to 2 s for it: ConversationService), so two sent a few
    // milliseconds apart are answered in the order they were typed.
    seq: { type: 'integer', minimum: 1, maximum: 2147483647 },
    // The shop's signed buyer (a JWT); see docs/webchat-identity.md.
    identityToken: { type: 'string', minLength: 1, maxLength: 4096 },
    // Accepted so older pages keep working, and ignored: a buyer id without a signature proves nothing.
    buyerId: ID,
    productId: ID,
    // The order the page shows (an order page, or the widget's data-order-id): a hint only. Orders are
    // still read through the buyer's own identity, so another buyer's order id is "not found".
    orderId: ID,
    // The kind of page the chat was opened on: counted for the most-asked chips (docs/shopping-path.md).
    page: { type: 'string', enum: [...PAGE_KINDS] },
    buyerName: { type: 'string', maxLength: 100 },
    // Long texts are accepted here (up to the body limit) and answered kindly by the engine.
    text: { type: 'string' },
    payload: { type: 'string', minLength: 1, maxLength: 1000 },
  },
} as const;

interface MessageBody {
  shop?: string;
  conversationId: string;
  messageId?: string;
  seq?: number;
  identityToken?: string;
  buyerId?: string;
  productId?: string;
  orderId?: string;
  page?: PageKind;
  buyerName?: string;
  text?: string;
  payload?: string;
}

const HEARTBEAT_MS = 25_000;
const PAGE = new URL('./public/index.html', import.meta.url);
const WIDGET = new URL('./public/widget.js', import.meta.url);

export interface WebchatRoutesOptions {
  conversations: ConversationService;
  mailbox: PushMailbox;
  clock: Clock;
  logger: Logger;
  /** Checks the shop's signed buyer tokens; null when no identity secret is set (every visitor is a guest). */
  identity: IdentityVerifier | null;
  /** The demo's own sign-in (demo-sign-in.ts): its tokens are what `identity` checks, and the page shows it is a demo. */
  demoSignIn?: DemoSignIn | null;
  /** Abuse limits (webchat-rate-limits.ts); none when absent. */
  limits?: WebchatLimits;
  /** The shop these routes answer for; a message naming another shop is refused. Default: "default". */
  shopId?: string;
}

const IDENTITY_ERRORS: Record<IdentityFailure, string> = {
  expired: 'the identity token has expired; get a fresh one from the shop, or send the message without it',
  not_yet_valid: 'the identity token is issued in the future (check the clock of the server that signs it)',
  bad_signature: 'the identity token is not signed with this shop\'s secret',
  wrong_shop: 'the identity token is issued for another shop (aud)',
  malformed: 'the identity token is not a valid HS256 JWT with sub, aud, iat and exp',
};

/**
 * A token that fails its checks is answered 401 and the message is not handled: the page asks the
 * shop for a fresh token and sends the same message again, or sends it without one (as a guest).
 * Quietly treating the buyer as a guest would hide their orders with no way for the page to know why.
 */
function identityRefused(reply: FastifyReply, failure: IdentityFailure): FastifyReply {
  return reply
    .header('www-authenticate', `Bearer error="invalid_token", error_description="${failure}"`)
    .status(401)
    .send({ error: IDENTITY_ERRORS[failure], identity: failure });
}

/** Errors that mean "not now": the caller should retry the same message (same messageId). */
function retryLater(reply: FastifyReply, seconds: number, message: string): FastifyReply {
  return reply.header('retry-after', String(seconds)).status(503).send({ error: message });
}

export function registerWebchatRoutes(app: FastifyInstance, options: WebchatRoutesOptions): void {
  const { conversations, mailbox, clock, logger, identity, demoSignIn, limits } = options;
  // The page signs in a demo buyer (and says so) only when this Kefu runs the demo sign-in.
  const page = readFileSync(PAGE, 'utf8').replace('data-demo-sign-in="off"', `data-demo-sign-in="${demoSignIn ? 'on' : 'off'}"`);
  const widget = readFileSync(WIDGET, 'utf8');

  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  // The embeddable widget (docs/webchat.md, "On every page of your shop"): one script tag on the shop's
  // pages opens this page in a bubble. Cached briefly so a new version reaches shops within minutes.
  app.get('/webchat/widget.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').header('x-content-type-options', 'nosniff').send(widget));

  const addressLimit = limits ? { onRequest: limits.perAddress } : {};
  if (demoSignIn) {
    app.get<{ Querystring: { buyerId?: string } }>('/webchat/demo-identity', addressLimit, async (request, reply) => {
      const signed = await demoSignIn.signIn(typeof request.query.buyerId === 'string' ? request.query.buyerId : undefined);
      return reply.header('cache-control', 'no-store').send({ ...signed, demo: true });
    });
  }

  // attachValidation: a body that fails its schema still reaches the handler, to be counted against
  // its address before its 400 (the limits are no hooks here, see below).
  app.post<{ Body: MessageBody }>('/webchat/messages', { schema: { body: messageBodySchema }, validatorCompiler: strictBodyValidator, attachValidation: true }, async (request, reply) => {
    if (request.validationError) {
      // Its conversation id is not to be trusted as a key: only its address is counted.
      if (limits) await limits.perAddress(request, reply);
      throw request.validationError;
    }
    // Counted from here rather than in hooks: started in the same tick as the turn's first Redis
    // script (no await between them when there is no identity token), the counts share its round
    // trip (docs/scaling.md, "Two round trips a message"). Every answer below waits for them, so a
    // client past its limit gets 429 whatever it sent.
    const admitted = limits?.perMessage(request, reply);
    // Observed by whichever answer comes first; this keeps an early answer from leaving it unhandled.
    admitted?.catch(() => {});
    const refuse = async (status: number, body: Record<string, unknown>): Promise<FastifyReply> => {
      await admitted;
      return reply.status(status).send(body);
    };
    const body = request.body;
    const shopId = options.shopId ?? DEFAULT_SHOP;
    // In a deployment of many shops the shops' host (compose/shops.ts) sends each message to the shop
    // it names; one that reaches another shop's routes (or a one-shop Kefu) is not this shop's to answer.
    if (body.shop !== undefined && body.shop !== shopId) return refuse(404, { error: `there is no shop "${body.shop}" here` });
    if ((body.text ?? '').length === 0 && !body.payload) {
      return refuse(400, { error: 'text must not be empty (or send a payload)' });
    }
    let conversation: ConversationRef = { channel: WEBCHAT_CHANNEL, conversationId: body.conversationId, buyerId: body.conversationId, guest: true };
    let buyerName = body.buyerName;
    if (body.identityToken !== undefined) {
      // Without a secret nothing can be checked: the token is refused like a forged one.
      const check = identity ? await identity.verify(body.identityToken) : { ok: false as const, failure: 'bad_signature' as const };
      if (!check.ok) {
        logger.info({ conversationId: body.conversationId, failure: check.failure }, 'web chat identity token refused');
        await admitted;
        return identityRefused(reply, check.failure);
      }
      conversation = { channel: WEBCHAT_CHANNEL, conversationId: body.conversationId, buyerId: check.buyer.buyerId };
      buyerName = check.buyer.name ?? buyerName;
    }
    const message: InboundMessage = {
      // Without a messageId from the page every POST is a new message; with one, a retry is handled once.
      // The page chooses the id, so it is scoped to its conversation: another conversation sending the
      // same id (a counter, or a copied id) must get its own answer, never this one's stored replies.
      id: body.messageId ? `${body.conversationId}/${body.messageId}` : randomUUID(),
      conversation,
      text: body.text ?? '',
      ...(body.payload ? { payload: body.payload } : {}),
      ...(body.productId || body.orderId || body.page
        ? { context: { ...(body.productId ? { productId: body.productId } : {}), ...(body.orderId ? { orderId: body.orderId } : {}), ...(body.page ? { page: body.page } : {}) } }
        : {}),
      ...(buyerName ? { buyerName } : {}),
      receivedAt: clock.now(),
      ...(body.seq !== undefined ? { sequence: body.seq } : {}),
    };
    try {
      const result = await conversations.receive(message, admitted ? { alongside: () => admitted } : {});
      if (result.duplicate) reply.header('kefu-duplicate', 'true');
      return { replies: result.replies };
    } catch (error) {
      if (error instanceof TooManyRequests) throw error;
      if (error instanceof DeliveryInProgressError) return retryLater(reply, 1, error.message);
      if (error instanceof LineBusyError) return retryLater(reply, 2, 'this conversation is busy; retry the same message');
      logger.error({ err: (error as Error).message, conversationId: body.conversationId }, 'web chat message failed');
      return retryLater(reply, 2, 'the message could not be handled now; retry the same message');
    }
  });

  app.get<{ Querystring: { conversationId?: string; after?: string } }>('/webchat/events', addressLimit, async (request, reply) => {
    const conversationId = request.query.conversationId;
    if (!conversationId || !new RegExp(ID.pattern).test(conversationId) || conversationId.length > ID.maxLength) {
      return reply.status(400).send({ error: 'conversationId is required (letters, digits, _ . : @ -; up to 128)' });
    }
    const resumeFrom = request.headers['last-event-id'] ?? request.query.after ?? null;
    if (resumeFrom !== null && !isPushItemId(resumeFrom)) return reply.status(400).send({ error: 'after / Last-Event-ID is not an event id' });
    let lastId: string | null = typeof resumeFrom === 'string' ? resumeFrom : null;

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 2000\n\n');

    // The page may leave while the first read below is awaited: whatever is set up after that must
    // be torn down at once, or a listener and a heartbeat would outlive the connection.
    let closed = false;
    const teardown: (() => void)[] = [];
    raw.on('close', () => {
      closed = true;
      for (const undo of teardown) undo();
    });

    // Reads are chained so two notifications never send the same item twice.
    let reading = Promise.resolve();
    const sendNew = (): void => {
      reading = reading.then(async () => {
        // A first connection without an id starts at "now": older pushes belong to another page load.
        if (lastId === null || closed) return;
        const items = await mailbox.readAfter(conversationId, lastId);
        for (const item of items) {
          raw.write(`id: ${item.id}\nevent: replies\ndata: ${item.data}\n\n`);
          lastId = item.id;
        }
      }).catch((error: Error) => logger.warn({ err: error.message }, 'web chat stream read failed; will retry on the next push'));
    };
    if (lastId === null) {
      // Mark "now" so that everything appended from here on is sent.
      let latest;
      try {
        latest = await mailbox.readAfter(conversationId, null);
      } catch (error) {
        // Without knowing where "now" is, starting from the beginning would replay old pushes as new:
        // end the stream instead, and the page reconnects after the retry delay sent above.
        logger.warn({ err: (error as Error).message }, 'web chat stream could not start; the page will reconnect');
        raw.end();
        return;
      }
      lastId = latest.at(-1)?.id ?? '0-0';
      if (closed) return;
      raw.write(`id: ${lastId}\nevent: ready\ndata: {}\n\n`);
    } else {
      raw.write('event: ready\ndata: {}\n\n');
    }
    if (closed) return;
    const unsubscribe = mailbox.subscribe(conversationId, sendNew);
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    teardown.push(unsubscribe, () => clearInterval(heartbeat));
    sendNew();
  });
}
