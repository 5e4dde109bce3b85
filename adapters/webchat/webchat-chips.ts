// GET /webchat/chips?page=<kind>&productId=<id>&lang=<tag> → {"chips":[{"title","payload"}]}: the
// question chips the chat shows when it opens on that page (dialogs/shopping/page-chips.ts; the
// merchant writes them in the flow files' `chips:` part, reloaded with the flows), with those the
// page's buyers asked most first when `webchat.mostAskedChips` is on (dialogs/shopping/most-asked.ts).
// Nothing here is secret or per buyer, so it needs no identity; it is rate-limited like every web chat
// route. A page kind Kefu does not know or an id outside the id shape is refused (400), not guessed.
// The language is the page's (`lang`: zh-Hans, zh-Hant, en or a browser tag such as zh-TW), else the
// browser's Accept-Language, else Simplified Chinese.

import type { FastifyInstance } from 'fastify';
import type { Language } from '../../dialogs/messages.ts';
import { chipsForPage, PAGE_KINDS, type ChipsByPage, type PageKind } from '../../dialogs/shopping/page-chips.ts';
import type { MostAskedQuestions } from '../../dialogs/shopping/most-asked.ts';
import type { WebchatLimits } from './webchat-rate-limits.ts';

const querySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['page'],
  properties: {
    page: { type: 'string', enum: [...PAGE_KINDS] },
    productId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:@-]+$' },
    lang: { type: 'string', minLength: 1, maxLength: 35, pattern: '^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$' },
  },
} as const;

/** zh-TW, zh-HK, zh-MO and zh-Hant-* read Traditional; other zh Simplified; anything else English. */
export function languageOfTag(tag: string): Language {
  const lower = tag.toLowerCase();
  if (/^zh-(tw|hk|mo|hant)/.test(lower)) return 'zh-Hant';
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-Hans';
  return 'en';
}

/** The first language of an Accept-Language header (by q), or null when it names none. */
export function languageOfAcceptLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .slice(0, 500)
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag?.trim() ?? '', q: q === undefined ? 1 : Number(q) };
    })
    .filter((entry) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(entry.tag) && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked[0] ? languageOfTag(ranked[0].tag) : null;
}

export interface WebchatChipsOptions {
  /** The chips of the flows loaded now (they change when the flows are reloaded). */
  chips: () => ChipsByPage;
  limits?: WebchatLimits;
  /** Up to `count` chips first for what the page's buyers asked most (`webchat.mostAskedChips`); absent: the merchant's chips only. */
  mostAsked?: { questions: MostAskedQuestions; count: number };
}

export function registerWebchatChips(http: FastifyInstance, options: WebchatChipsOptions): void {
  http.get<{ Querystring: { page: PageKind; productId?: string; lang?: string } }>(
    '/webchat/chips',
    { schema: { querystring: querySchema }, ...(options.limits ? { onRequest: options.limits.perAddress } : {}) },
    async (request, reply) => {
      const { page, productId, lang } = request.query;
      const language = lang ? languageOfTag(lang) : (languageOfAcceptLanguage(request.headers['accept-language']) ?? 'zh-Hans');
      const mostAsked = options.mostAsked && options.mostAsked.count > 0 ? { intents: await options.mostAsked.questions.intents(page), count: options.mostAsked.count } : undefined;
      return reply.header('cache-control', 'no-store').send({ chips: chipsForPage(options.chips(), page, language, productId, mostAsked) });
    },
  );
}
