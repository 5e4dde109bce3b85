// Signed-in agents of /desk. A session is a random token in an HttpOnly, SameSite=Strict cookie
// scoped to /desk; the session store (Redis in production, so any process knows it) keeps it
// under the token's SHA-256, never the token itself. Every request that changes something must
// also carry the session's CSRF token in a header (x-kefu-csrf), which a page of another site
// cannot read or send.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionStore } from '../../dialogs/ports.ts';

export const DESK_COOKIE = 'kefu_desk';
export const CSRF_HEADER = 'x-kefu-csrf';

export interface DeskSession {
  agentId: string;
  name: string;
  csrf: string;
  createdAt: number;
  /** Signed in with the shop's token (agent-sso.ts) rather than a configured account's password. */
  via?: 'sso';
}

function keyOf(token: string): string {
  return `desk-session:${createHash('sha256').update(token).digest('base64url')}`;
}

function cookieOf(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return null;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

export function sameToken(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export class DeskSessions {
  constructor(
    private readonly store: SessionStore,
    private readonly ttlSeconds: number,
  ) {}

  async create(agentId: string, name: string, at: number, via?: 'sso'): Promise<{ token: string; session: DeskSession }> {
    const token = randomBytes(32).toString('base64url');
    const session: DeskSession = { agentId, name, csrf: randomBytes(24).toString('base64url'), createdAt: at, ...(via ? { via } : {}) };
    await this.store.save(keyOf(token), session, this.ttlSeconds);
    return { token, session };
  }

  /** The request's session, or null (no cookie, unknown or expired token). */
  async of(request: FastifyRequest): Promise<DeskSession | null> {
    const token = cookieOf(request, DESK_COOKIE);
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const session = await this.store.load<DeskSession>(keyOf(token));
    return session && typeof session.agentId === 'string' && typeof session.csrf === 'string' ? session : null;
  }

  async end(request: FastifyRequest): Promise<void> {
    const token = cookieOf(request, DESK_COOKIE);
    if (token && /^[A-Za-z0-9_-]{43}$/.test(token)) await this.store.delete(keyOf(token));
  }

  // No Path attribute: the browser scopes the cookie to the folder signed in from (RFC 6265, 5.1.4),
  // /desk/api here, /shops/tea/desk/api for one shop of many, /kefu/desk/api when mounted under /kefu.
  setCookie(reply: FastifyReply, token: string, secure: boolean): void {
    reply.header('set-cookie', `${DESK_COOKIE}=${token}; HttpOnly; SameSite=Strict; Max-Age=${this.ttlSeconds}${secure ? '; Secure' : ''}`);
  }

  clearCookie(reply: FastifyReply, secure: boolean): void {
    reply.header('set-cookie', `${DESK_COOKIE}=; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`);
  }
}
