// The hand-off card's buttons. DingTalk actionCard buttons can only open a link, so each button is
// a link to Kefu signed with a key derived from the app secret: it names the hand-off, the action
// and an expiry, and nothing else is trusted. Opening it (GET) shows a one-button confirmation page;
// only the POST from that page acts, so a link preview or a prefetch never claims or closes anything.
// An agent who prefers typing uses "@Kefu #A7 claim" (agent-command.ts) instead; that also records
// who they are, which a link cannot tell.

import { createHmac, timingSafeEqual } from 'node:crypto';

export type CardAction = 'claim' | 'back' | 'close';
export const CARD_ACTIONS: readonly CardAction[] = ['claim', 'back', 'close'];
export const DINGTALK_ACTIONS_PATH = '/dingtalk/actions';

export interface ActionLinkFields {
  /** The hand-off's key in the desk's store (e.g. its code and its conversation). */
  handoff: string;
  action: CardAction;
  /** Milliseconds since the epoch after which the link no longer acts. */
  expiresAt: number;
}

/** A key of its own for links, so a leaked link signature says nothing about the app secret. */
function linkKey(appSecret: string): Buffer {
  return createHmac('sha256', appSecret).update('kefu dingtalk card actions v1').digest();
}

function signature(fields: ActionLinkFields, appSecret: string): string {
  return createHmac('sha256', linkKey(appSecret))
    .update(`${fields.handoff}\n${fields.action}\n${fields.expiresAt}`)
    .digest('base64url');
}

export function actionLink(publicUrl: string, fields: ActionLinkFields, appSecret: string): string {
  const url = new URL(`${publicUrl.replace(/\/+$/, '')}${DINGTALK_ACTIONS_PATH}`);
  url.searchParams.set('h', fields.handoff);
  url.searchParams.set('a', fields.action);
  url.searchParams.set('exp', String(fields.expiresAt));
  url.searchParams.set('sig', signature(fields, appSecret));
  return url.toString();
}

export type LinkCheck = { ok: true; fields: ActionLinkFields } | { ok: false; reason: string };

/** Checks a link's query (from the GET or the POST) against its signature and expiry. */
export function checkActionLink(query: Record<string, unknown>, appSecret: string, now: number): LinkCheck {
  const { h, a, exp, sig } = query;
  if (typeof h !== 'string' || h.length === 0 || h.length > 300) return { ok: false, reason: 'the link names no hand-off' };
  if (typeof a !== 'string' || !(CARD_ACTIONS as readonly string[]).includes(a)) return { ok: false, reason: 'the link names no action' };
  if (typeof exp !== 'string' || !/^\d{1,16}$/.test(exp)) return { ok: false, reason: 'the link has no expiry' };
  if (typeof sig !== 'string') return { ok: false, reason: 'the link is not signed' };
  const fields: ActionLinkFields = { handoff: h, action: a as CardAction, expiresAt: Number(exp) };
  const expected = Buffer.from(signature(fields, appSecret));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'the link signature does not match' };
  if (now > fields.expiresAt) return { ok: false, reason: 'the link has expired' };
  return { ok: true, fields };
}
