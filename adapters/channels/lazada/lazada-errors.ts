// Which Lazada answers are worth another try, by error CODE (never by message text). Sources:
//   Lazada Open Platform, "Error messages" (developers guide): three types, SYSTEM (API platform),
//   ISV (business data) and ISP ("backend service error … try again after some time");
//   the error tables of the API reference: IllegalAccessToken ("The specified access token is invalid
//   or expired"), IllegalRefreshToken and AUTH_TYPE_UNSUPPORTED (RefreshAccessToken),
//   IncompleteSignature, MissingParameter, ServiceTimeout, SYSTEM_ERROR ("a surge in traffic. Please
//   try again"), INTERNAL_SYSTEM_ERROR, OPEN_API_CALL_EXCEED_LIMIT, SELLER_SERVICE_FAIL,
//   THIRD_SERVICE_ERROR; and ApiCallLimit, the call-limit code the product Q&A page names.
// A SYSTEM error is not retried as such: a refused token or signature is a SYSTEM error too.

import type { ApiFailure } from '../shared/api-retry.ts';

/** The access token was refused: renew it once (shared/access-tokens.ts). */
const AUTH_CODES = new Set(['IllegalAccessToken']);

/** Rate limits and the platform's own trouble: the same call may succeed later. */
const RETRY_CODES = new Set(['ApiCallLimit', 'OPEN_API_CALL_EXCEED_LIMIT', 'ServiceTimeout', 'SYSTEM_ERROR', 'INTERNAL_SYSTEM_ERROR', 'SELLER_SERVICE_FAIL', 'THIRD_SERVICE_ERROR']);

export function lazadaFailure(code: string, type: unknown): ApiFailure {
  if (AUTH_CODES.has(code)) return 'auth';
  if (RETRY_CODES.has(code)) return 'retry';
  // "ISP: Backend service error … please try again after some time".
  return type === 'ISP' ? 'retry' : 'refused';
}
