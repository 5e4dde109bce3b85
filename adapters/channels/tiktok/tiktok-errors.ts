// Which TikTok Shop answers are worth another try, by the numeric `code` (never the message text).
// TikTok answers {"code": 0, "message": "Success", "request_id", "data"} (official Node SDK,
// BaseResponse in utils/token: code, data, message, requestId). The codes below are NOT confirmed by a
// page stored where this was written (TikTok's error-code pages are behind the Partner Center
// sign-in): 105001 / 105002 are the codes integrations report for an invalid / expired access token,
// 36009004 for "too many requests". HTTP 429 and 5xx are retried whatever the code (api-retry.ts).
// Anything else is not retried; docs/channels.md lists these as unconfirmed.

import type { ApiFailure } from '../shared/api-retry.ts';

const AUTH_CODES = new Set([105001, 105002]);
const RETRY_CODES = new Set([36009004]);

export function tiktokFailure(code: number): ApiFailure {
  if (AUTH_CODES.has(code)) return 'auth';
  return RETRY_CODES.has(code) ? 'retry' : 'refused';
}
