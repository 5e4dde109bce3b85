// Who may open /admin and /metrics: whoever shows the configured token, as
//   Authorization: Bearer <token>            (scripts, Prometheus' `authorization` setting), or
//   the kefu_admin cookie set by /admin/login (the dashboard in a browser).
// The cookie holds an HMAC of the token, not the token, and is HttpOnly, SameSite=Strict, scoped
// to /admin. Comparisons are constant-time over SHA-256 digests (equal lengths by construction).

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const ADMIN_COOKIE = 'kefu_admin';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The cookie value that stands for the token (changes when the token changes). */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('kefu admin session v1').digest('base64url');
}

function cookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

/** How a request showed (or did not show) the token. */
export type AdminCredential = { granted: true } | { granted: false; shown: 'bearer' | 'cookie' | null };

/**
 * Whether the request carries the token (an Authorization header) or a valid dashboard cookie
 * (`cookie: false` for /metrics, which takes the header only). When it does not, `shown` says which
 * credential it tried, if any: a wrong one counts towards the limit, no credential at all does not.
 */
export function adminCredential(request: FastifyRequest, token: string, options: { cookie: boolean } = { cookie: true }): AdminCredential {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && authorization.length <= 1024) {
    const match = /^Bearer ([^\s]+)$/.exec(authorization);
    if (match && sameSecret(match[1]!, token)) return { granted: true };
  }
  const session = options.cookie ? cookie(request, ADMIN_COOKIE) : null;
  if (session !== null && sameSecret(session, sessionValue(token))) return { granted: true };
  if (authorization !== undefined) return { granted: false, shown: 'bearer' };
  return { granted: false, shown: session !== null ? 'cookie' : null };
}

/**
 * No Path attribute: the browser scopes the cookie to the folder the login was posted to (RFC 6265,
 * 5.1.4), /admin here, /shops/tea/admin for one shop of many, /kefu/admin when mounted under /kefu.
 */
export function sessionCookie(token: string, secure: boolean): string {
  return `${ADMIN_COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Max-Age=43200${secure ? '; Secure' : ''}`;
}
