// The card buttons' pages (see action-links.ts): GET shows what the link will do and one button;
// the POST from that button acts, once per link (the event id is the link's), and shows the outcome.
// A link that is altered, unsigned or expired gets 403 and does nothing.

import type { FastifyInstance } from 'fastify';
import type { AgentEventResult } from '../../../dialogs/handoff/agent-events.ts';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import { agentTexts, fill, refusalText, type AgentLanguage, type AgentTexts } from '../agent-texts.ts';
import { checkActionLink, DINGTALK_ACTIONS_PATH, type CardAction } from './action-links.ts';
import { agentName } from './card-markdown.ts';

export interface ActionRoutesOptions {
  appSecret: string;
  act(threadId: string, action: CardAction): Promise<AgentEventResult>;
  /** The hand-off's code for the page's title, when known. */
  codeOf(threadId: string): Promise<string | null>;
  clock: Clock;
  logger: Logger;
  /** The language of the pages (agentDesk.language); English when left out. */
  language?: AgentLanguage;
  /** The note marker, for the refusal that names it. */
  noteMarker?: string;
}

function actionWords(t: AgentTexts): Record<CardAction, string> {
  return { claim: t.dtButtonClaim, back: t.dtButtonBack, close: t.dtButtonClose };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function page(title: string, body: string, language: AgentLanguage = 'en'): string {
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>body{font:16px system-ui,sans-serif;margin:2em auto;max-width:28em;padding:0 1em}button{font-size:1.1em;padding:.6em 1.4em}</style>
</head><body>${body}</body></html>`;
}

function outcome(result: AgentEventResult, t: AgentTexts, noteMarker: string): string {
  switch (result.status) {
    case 'claimed':
      return t.dtDoneClaimed;
    case 'back_to_bot':
      return t.dtDoneBack;
    case 'closed':
      return t.dtDoneClosed;
    case 'duplicate':
      return t.dtDoneAlready;
    default:
      return refusalText(t, result, { noteMarker, name: (agent) => agentName(agent, t) }) ?? t.dtDone;
  }
}

export function registerDingtalkActionRoutes(http: FastifyInstance, options: ActionRoutesOptions): void {
  const language = options.language ?? 'en';
  const t = agentTexts(language);
  // The confirmation form posts an empty urlencoded body; parse it here only, not for the whole server.
  void http.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, _body, done) => done(null, {}));

    scope.get(DINGTALK_ACTIONS_PATH, async (request, reply) => {
      const check = checkActionLink(request.query as Record<string, unknown>, options.appSecret, options.clock.now());
      reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
      if (!check.ok) return reply.status(403).send(page('Kefu', `<p>${escapeHtml(check.reason)}.</p>`));
      const code = await options.codeOf(check.fields.handoff);
      const what = actionWords(t)[check.fields.action];
      const action = escapeHtml(request.url);
      return reply.send(page(`${what} #${code ?? ''}`, `<h1>${escapeHtml(fill(t.dtPageHeading, { code: code ?? '?' }))}</h1>
<form method="post" action="${action}"><button type="submit">${escapeHtml(what)}</button></form>`, language));
    });

    scope.post(DINGTALK_ACTIONS_PATH, async (request, reply) => {
      const check = checkActionLink(request.query as Record<string, unknown>, options.appSecret, options.clock.now());
      reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');
      if (!check.ok) return reply.status(403).send(page('Kefu', `<p>${escapeHtml(check.reason)}.</p>`));
      try {
        const result = await options.act(check.fields.handoff, check.fields.action);
        return reply.send(page('Kefu', `<p>${escapeHtml(outcome(result, t, options.noteMarker ?? '//'))}</p>`, language));
      } catch (error) {
        options.logger.error({ err: (error as Error).message }, 'DingTalk card action failed');
        return reply.status(503).header('retry-after', '2').send(page('Kefu', `<p>${escapeHtml(t.dtTryAgain)}</p>`, language));
      }
    });
  });
}
