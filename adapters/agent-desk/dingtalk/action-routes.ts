// The card buttons' pages (see action-links.ts): GET shows what the link will do and one button;
// the POST from that button acts, once per link (the event id is the link's), and shows the outcome.
// A link that is altered, unsigned or expired gets 403 and does nothing.

import type { FastifyInstance } from 'fastify';
import type { AgentEventResult } from '../../../dialogs/handoff/agent-events.ts';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import { checkActionLink, DINGTALK_ACTIONS_PATH, type CardAction } from './action-links.ts';

export interface ActionRoutesOptions {
  appSecret: string;
  act(threadId: string, action: CardAction): Promise<AgentEventResult>;
  /** The hand-off's code for the page's title, when known. */
  codeOf(threadId: string): Promise<string | null>;
  clock: Clock;
  logger: Logger;
}

const ACTION_WORDS: Record<CardAction, string> = {
  claim: 'Claim 认领',
  back: 'Back to bot 转回机器人',
  close: 'Close 关闭',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font:16px system-ui,sans-serif;margin:2em auto;max-width:28em;padding:0 1em}button{font-size:1.1em;padding:.6em 1.4em}</style>
</head><body>${body}</body></html>`;
}

function outcome(result: AgentEventResult): string {
  switch (result.status) {
    case 'claimed':
      return 'Claimed. Replies to this hand-off in the group now reach the buyer.';
    case 'back_to_bot':
      return 'The buyer is back with the bot.';
    case 'closed':
      return 'Closed. The bot has the conversation again.';
    case 'duplicate':
      return 'Already done.';
    default:
      return 'notice' in result ? result.notice : 'Done.';
  }
}

export function registerDingtalkActionRoutes(http: FastifyInstance, options: ActionRoutesOptions): void {
  // The confirmation form posts an empty urlencoded body; parse it here only, not for the whole server.
  void http.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, _body, done) => done(null, {}));

    scope.get(DINGTALK_ACTIONS_PATH, async (request, reply) => {
      const check = checkActionLink(request.query as Record<string, unknown>, options.appSecret, options.clock.now());
      reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
      if (!check.ok) return reply.status(403).send(page('Kefu', `<p>${escapeHtml(check.reason)}.</p>`));
      const code = await options.codeOf(check.fields.handoff);
      const what = ACTION_WORDS[check.fields.action];
      const action = escapeHtml(request.url);
      return reply.send(page(`${what} #${code ?? ''}`, `<h1>Hand-off #${escapeHtml(code ?? '?')}</h1>
<form method="post" action="${action}"><button type="submit">${escapeHtml(what)}</button></form>`));
    });

    scope.post(DINGTALK_ACTIONS_PATH, async (request, reply) => {
      const check = checkActionLink(request.query as Record<string, unknown>, options.appSecret, options.clock.now());
      reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
      if (!check.ok) return reply.status(403).send(page('Kefu', `<p>${escapeHtml(check.reason)}.</p>`));
      try {
        const result = await options.act(check.fields.handoff, check.fields.action);
        return reply.send(page('Kefu', `<p>${escapeHtml(outcome(result))}</p>`));
      } catch (error) {
        options.logger.error({ err: (error as Error).message }, 'DingTalk card action failed');
        return reply.status(503).header('retry-after', '2').send(page('Kefu', '<p>Kefu could not do that just now; press the button again.</p>'));
      }
    });
  });
}
