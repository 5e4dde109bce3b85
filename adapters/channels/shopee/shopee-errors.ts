// Which Shopee answers are worth another try, by the `error` CODE (never the message text). Source:
// the "Error Codes" table every page of Shopee's API reference carries (e.g. "v2.push.
// get_lost_push_message", "v2.public.refresh_access_token"): error_server "Something wrong. Please
// try later.", error_inner "System error, please try again later", error_system_busy "Our system is
// taking some time to respond", error_network "Inner http call failed"; error_auth "Invalid
// access_token." (the same code also says "No permission to current api."), error_sign "Wrong
// sign.", error_param "Wrong parameters…". A rate limit is HTTP 429 (api-retry.ts); the codes
// error_too_many_request / error_rate_limit / error_limit are taken as rate limits too (not
// confirmed by a published table). The expired-token code many integrations report,
// invalid_acceess_token (sic) / invalid_access_token, is not in the published tables: accepted as
// an alternative.

import type { ApiFailure } from '../shared/api-retry.ts';

/** The access token was refused (or the call not permitted): renewed once, then final (shared/access-tokens.ts). */
const AUTH_CODES = new Set(['error_auth', 'invalid_acceess_token', 'invalid_access_token', 'error_token']);

/** Shopee's own trouble and rate limits: the same call may succeed later. */
const RETRY_CODES = new Set(['error_server', 'error_inner', 'error_system_busy', 'error_network', 'error_busy', 'error_too_many_request', 'error_rate_limit', 'error_limit']);

export function shopeeFailure(code: string): ApiFailure {
  const bare = code.replace(/^common\./, '');
  if (AUTH_CODES.has(bare)) return 'auth';
  return RETRY_CODES.has(bare) ? 'retry' : 'refused';
}
