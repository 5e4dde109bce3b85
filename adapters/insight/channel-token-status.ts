// What the dashboard says about each marketplace channel's authorisation (issue 17): when the access
// token, the refresh token and the seller's authorisation end, when the token was last renewed, and
// whether the last renewal failed, with the reason. The channels report their keepers' status
// (adapters/channels/shared/keep-tokens.ts); this turns it into one verdict per channel a merchant
// can act on, the same numbers /metrics gives Prometheus.

/** A channel's tokens as its keeper knows them (times in ms since the epoch). */
export interface ChannelTokenStatus {
  channel: string;
  accessExpiresAt?: number;
  refreshExpiresAt?: number;
  authorizationEndsAt?: number;
  renewedAt?: number;
  refreshFailures: number;
  lastFailure?: string;
  lastFailureAt?: number;
}

/**
 * ok: nothing to do. ending: the authorisation ends within a week (authorise the app again).
 * failing: the last renewal failed and none succeeded since. expired: the access token or the
 * authorisation is past its end.
 */
export type TokenVerdict = 'ok' | 'ending' | 'failing' | 'expired';

export interface ChannelTokenReport extends ChannelTokenStatus {
  verdict: TokenVerdict;
  /** Seconds until each end; negative once past. */
  accessExpiresInSeconds?: number;
  authorizationEndsInSeconds?: number;
}

const WEEK_MS = 7 * 86_400_000;

export function tokenReport(status: ChannelTokenStatus, now: number): ChannelTokenReport {
  const authorizationEnd = [status.refreshExpiresAt, status.authorizationEndsAt].filter((at): at is number => at !== undefined);
  const authorizationEndsAt = authorizationEnd.length > 0 ? Math.min(...authorizationEnd) : undefined;
  const seconds = (at: number | undefined) => (at === undefined ? undefined : Math.round((at - now) / 1000));
  const failedSinceRenewal = status.lastFailureAt !== undefined && status.lastFailureAt >= (status.renewedAt ?? 0);
  let verdict: TokenVerdict = 'ok';
  if ((status.accessExpiresAt !== undefined && status.accessExpiresAt <= now) || (authorizationEndsAt !== undefined && authorizationEndsAt <= now)) verdict = 'expired';
  else if (failedSinceRenewal) verdict = 'failing';
  else if (authorizationEndsAt !== undefined && authorizationEndsAt - now <= WEEK_MS) verdict = 'ending';
  const access = seconds(status.accessExpiresAt);
  const authorization = seconds(authorizationEndsAt);
  return {
    ...status,
    verdict,
    ...(access !== undefined ? { accessExpiresInSeconds: access } : {}),
    ...(authorization !== undefined ? { authorizationEndsInSeconds: authorization } : {}),
  };
}
