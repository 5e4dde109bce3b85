// GET /webchat/suggest?q=<typed so far>&lang=<tag> → {"suggestions":[{"text","payload"}]}: the shop's
// questions that match what the buyer has typed (dialogs/shopping/typing-suggestions.ts), for the
// chat to offer above the message box while the buyer types. Like the chips, nothing here is secret
// or per buyer, so it needs no identity; it is rate-limited per address like every web chat route,
// and the page waits for a pause in typing before it asks. What was typed is never logged or stored.
// `lang` is the page's language (zh-Hans, zh-Hant, en or a browser tag), used for pinyin matches;
// else the browser's Accept-Language, else Simplified Chinese.

import type { FastifyInstance } from 'fastify';
import type { ChipsByPage } from '../../dialogs/shopping/page-chips.ts';
import { suggestionIndexOf } from '../../dialogs/shopping/typing-suggestions.ts';
import { languageOfAcceptLanguage, languageOfTag } from './webchat-chips.ts';
import type { WebchatLimits } from './webchat-rate-limits.ts';

/** Longer than any question being typed; more is refused rather than searched. */
const MAX_TYPED_CHARS = 200;

const querySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['q'],
  properties: {
    q: { type: 'string', maxLength: MAX_TYPED_CHARS },
    lang: { type: 'string', minLength: 1, maxLength: 35, pattern: '^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$' },
  },
} as const;

export interface WebchatSuggestOptions {
  /** The chips of the flows loaded now (they change when the flows are reloaded). */
  chips: () => ChipsByPage;
  limits?: WebchatLimits;
}

export function registerWebchatSuggest(http: FastifyInstance, options: WebchatSuggestOptions): void {
  http.get<{ Querystring: { q: string; lang?: string } }>(
    '/webchat/suggest',
    { schema: { querystring: querySchema }, ...(options.limits ? { onRequest: options.limits.perAddress } : {}) },
    async (request, reply) => {
      const { q, lang } = request.query;
      const language = lang ? languageOfTag(lang) : (languageOfAcceptLanguage(request.headers['accept-language']) ?? 'zh-Hans');
      return reply.header('cache-control', 'no-store').send({ suggestions: suggestionIndexOf(options.chips()).suggest(q, language) });
    },
  );
}
