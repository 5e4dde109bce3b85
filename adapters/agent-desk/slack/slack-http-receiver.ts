// Slack's HTTP Events API and interactivity, mounted on Kefu's own fastify server (one port for
// every webhook) as a Bolt receiver. Every request is verified exactly as Slack signs it:
//   X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body))
// compared in constant time (Bolt's verifySlackRequest), over the raw bytes (so the route parses
// the body itself), with the timestamp within 5 minutes of now either way.
// The event is handled before the answer (processBeforeResponse): when handling fails the answer
// is 500 and Slack retries (X-Slack-Retry-Num); a retry of a handled event is a duplicate, answered 200.

import { parse as parseQuery } from 'node:querystring';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { verifySlackRequest } from '@slack/bolt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock, Logger } from '../../../dialogs/ports.ts';

/**
 * A button press carries the whole card it was pressed on, form-encoded: a card of Chinese text
 * (9 bytes per character once encoded) can pass the server's general 64 KB limit.
 */
const SLACK_BODY_LIMIT_BYTES = 1024 * 1024;

/** Slack rejects older requests after 5 minutes; so does Kefu, in both directions (a clock far ahead is as suspicious). */
const MAX_SKEW_SECONDS = 5 * 60;

export interface SlackHttpReceiverOptions {
  signingSecret: string;
  /** Where Slack posts events and button presses (the app's Request URL for both). */
  path: string;
  clock: Clock;
  logger: Logger;
}

export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly options: SlackHttpReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Mounts the route in its own fastify context, whose body parsers keep the raw text. */
  register(http: FastifyInstance): void {
    void http.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'string' }, (_request, body, done) => done(null, body));
      scope.post(this.options.path, { bodyLimit: SLACK_BODY_LIMIT_BYTES }, (request, reply) => this.handle(request, reply));
    });
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { logger } = this.options;
    const raw = typeof request.body === 'string' ? request.body : '';
    const signature = header(request, 'x-slack-signature');
    const timestampText = header(request, 'x-slack-request-timestamp');
    if (!signature || !timestampText) return reply.status(401).send({ error: 'missing X-Slack-Signature or X-Slack-Request-Timestamp' });
    const timestamp = /^\d{1,12}$/.test(timestampText) ? Number(timestampText) : Number.NaN;
    const now = this.options.clock.now();
    if (!Number.isFinite(timestamp) || Math.abs(now / 1000 - timestamp) > MAX_SKEW_SECONDS) {
      return reply.status(401).send({ error: 'stale or invalid X-Slack-Request-Timestamp' });
    }
    try {
      verifySlackRequest({
        signingSecret: this.options.signingSecret,
        body: raw,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
        nowMilliseconds: now,
      });
    } catch {
      return reply.status(401).send({ error: 'signature mismatch' });
    }

    let body: Record<string, unknown>;
    try {
      body = parseBody(raw, String(request.headers['content-type'] ?? ''));
    } catch {
      return reply.status(400).send({ error: 'body is neither JSON nor a form with a JSON payload' });
    }
    if (body.type === 'url_verification' && typeof body.challenge === 'string') return reply.send({ challenge: body.challenge });
    if (body.ssl_check === '1') return reply.send('');

    const retryText = header(request, 'x-slack-retry-num');
    const retryNum = retryText && /^\d{1,3}$/.test(retryText) ? Number(retryText) : undefined;
    let answer: unknown;
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        answer = response;
      },
      ...(retryNum !== undefined ? { retryNum } : {}),
      ...(header(request, 'x-slack-retry-reason') ? { retryReason: header(request, 'x-slack-retry-reason')! } : {}),
    };
    try {
      if (!this.app) throw new Error('the Slack app is not started');
      await this.app.processEvent(event);
    } catch (error) {
      logger.error({ err: (error as Error).message, retryNum }, 'Slack event failed; Slack will retry');
      return reply.status(500).send({ error: 'the event could not be handled now' });
    }
    if (answer === undefined || answer === '') return reply.status(200).send('');
    return reply.status(200).send(answer);
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Events come as JSON; interactivity as a form whose `payload` field is JSON. */
function parseBody(raw: string, contentType: string): Record<string, unknown> {
  let parsed: unknown;
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = parseQuery(raw);
    if (form.ssl_check === '1') return { ssl_check: '1' };
    if (typeof form.payload !== 'string') throw new Error('no payload');
    parsed = JSON.parse(form.payload);
  } else {
    parsed = JSON.parse(raw);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  return parsed as Record<string, unknown>;
}
