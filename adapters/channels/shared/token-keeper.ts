// Keeps a shop's access token alive on one marketplace: reads it from the token store (seeded from
// the configuration), renews it with the platform's refresh call before it expires and whenever the
// platform refuses it, one process at a time (a refresh token works once: two processes refreshing
// together would leave one of them, and then the shop, with a dead token), and tells the merchant
// when a renewal fails or the authorisation nears its end: a log line, the
// kefu_channel_token_expires_seconds gauge and the kefu_channel_token_refresh_failures_total counter
// on /metrics (token-metrics.ts).
// The refresh call itself is the platform's (lazada/lazada-tokens.ts, tiktok/tiktok-tokens.ts,
// shopee/shopee-tokens.ts).

import { createHash } from 'node:crypto';
import type { Clock, Logger } from '../../../dialogs/ports.ts';
import type { AccessTokens } from './access-tokens.ts';
import type { AuthorizationNotice } from './push-reading.ts';
import type { StoredTokens, TokenStore } from './token-store.ts';

/** What a platform's refresh call gives back. */
export interface RenewedTokens {
  accessToken: string;
  /** A refresh token is good once on every platform here; the new one replaces it. */
  refreshToken?: string;
  accessExpiresAt?: number;
  refreshExpiresAt?: number;
}

export type RefreshCall = (refreshToken: string) => Promise<RenewedTokens>;

export interface TokenKeeperOptions {
  channel: string;
  store: TokenStore;
  refresh: RefreshCall;
  /** The tokens in the configuration. */
  seed: { accessToken: string; refreshToken?: string };
  clock: Clock;
  logger: Logger;
  /** Renew this long before the access token expires. */
  refreshAheadMs?: number;
  /** Warn the merchant when the authorisation ends within this long. */
  warnAheadMs?: number;
  /** How long to wait for another process's renewal before giving up. */
  waitForOtherMs?: number;
}

export interface TokenStatus {
  channel: string;
  accessExpiresAt?: number;
  refreshExpiresAt?: number;
  authorizationEndsAt?: number;
  /** When the access token was last renewed (ms), absent while it is the configured one. */
  renewedAt?: number;
  refreshFailures: number;
  lastFailure?: string;
  /** When the last renewal failed (ms). */
  lastFailureAt?: number;
}

const LOCK_MS = 30_000;

export class TokenKeeper implements AccessTokens {
  private failures = 0;
  private lastFailure: string | undefined;
  private lastFailureAt: number | undefined;
  private lastKnown: StoredTokens | null = null;
  private lastWarnedAt = 0;
  private readonly seedPrint: string;

  constructor(private readonly options: TokenKeeperOptions) {
    const { accessToken, refreshToken = '' } = options.seed;
    this.seedPrint = createHash('sha256').update(`${accessToken}\n${refreshToken}`).digest('hex').slice(0, 16);
  }

  /** The access token to call with; renewed first when it expires within refreshAheadMs. */
  async current(): Promise<string> {
    const tokens = await this.load();
    if (this.expiresSoon(tokens)) return (await this.renew(tokens.accessToken)) ?? tokens.accessToken;
    return tokens.accessToken;
  }

  async renewAfterRefusal(used: string): Promise<string | null> {
    return this.renew(used);
  }

  /** Renews a token that expires soon and warns about an authorisation that ends soon; run periodically. */
  async keepFresh(): Promise<void> {
    const tokens = await this.load();
    if (this.expiresSoon(tokens)) await this.renew(tokens.accessToken);
    this.warnIfEnding(await this.load());
  }

  /** The platform announced when the authorisation ends (Lazada msg_type 8): kept and warned about. */
  async notice(notice: AuthorizationNotice): Promise<void> {
    const tokens = await this.load();
    if (notice.endsAt !== undefined) await this.save({ ...tokens, authorizationEndsAt: notice.endsAt });
    this.options.logger.warn({ channel: this.options.channel, endsAt: notice.endsAt, revoked: notice.revoked }, `${notice.detail}: the seller must authorise the app again before then, or Kefu stops answering there`);
  }

  status(): TokenStatus {
    const known = this.lastKnown;
    return {
      channel: this.options.channel,
      ...(known?.accessExpiresAt !== undefined ? { accessExpiresAt: known.accessExpiresAt } : {}),
      ...(known?.refreshExpiresAt !== undefined ? { refreshExpiresAt: known.refreshExpiresAt } : {}),
      ...(known?.authorizationEndsAt !== undefined ? { authorizationEndsAt: known.authorizationEndsAt } : {}),
      ...(known && known.renewedAt > 0 ? { renewedAt: known.renewedAt } : {}),
      refreshFailures: this.failures,
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
      ...(this.lastFailureAt !== undefined ? { lastFailureAt: this.lastFailureAt } : {}),
    };
  }

  private expiresSoon(tokens: StoredTokens): boolean {
    if (!tokens.refreshToken || tokens.accessExpiresAt === undefined) return false;
    return tokens.accessExpiresAt - this.options.clock.now() <= (this.options.refreshAheadMs ?? 30 * 60_000);
  }

  /** The stored tokens; seeded from the configuration when there are none or the configuration changed. */
  private async load(): Promise<StoredTokens> {
    const stored = await this.options.store.read();
    if (stored && stored.seed === this.seedPrint) return (this.lastKnown = stored);
    const seeded: StoredTokens = { accessToken: this.options.seed.accessToken, ...(this.options.seed.refreshToken ? { refreshToken: this.options.seed.refreshToken } : {}), seed: this.seedPrint, renewedAt: 0 };
    await this.options.store.write(seeded);
    return (this.lastKnown = seeded);
  }

  private async save(tokens: StoredTokens): Promise<void> {
    await this.options.store.write(tokens);
    this.lastKnown = tokens;
  }

  /**
   * Renews the token `used`, unless another process already did (its renewed token is returned). One
   * process at a time: the others wait for its result. Null when there is nothing to renew with or
   * the renewal failed (the merchant is told).
   */
  private async renew(used: string): Promise<string | null> {
    const { store, channel, logger, clock } = this.options;
    const lock = await store.tryLock(LOCK_MS);
    if (lock === null) return this.waitForOther(used);
    try {
      const tokens = await this.load();
      if (tokens.accessToken !== used) return tokens.accessToken;
      if (!tokens.refreshToken) {
        this.fail('there is no refresh token to renew the access token with');
        return null;
      }
      const renewed = await this.options.refresh(tokens.refreshToken);
      await this.save({
        ...tokens,
        accessToken: renewed.accessToken,
        refreshToken: renewed.refreshToken ?? tokens.refreshToken,
        ...(renewed.accessExpiresAt !== undefined ? { accessExpiresAt: renewed.accessExpiresAt } : {}),
        ...(renewed.refreshExpiresAt !== undefined ? { refreshExpiresAt: renewed.refreshExpiresAt } : {}),
        renewedAt: clock.now(),
      });
      logger.info({ channel, accessExpiresAt: renewed.accessExpiresAt }, 'marketplace access token renewed');
      return renewed.accessToken;
    } catch (error) {
      this.fail((error as Error).message);
      return null;
    } finally {
      await store.unlock(lock).catch(() => {});
    }
  }

  private async waitForOther(used: string): Promise<string | null> {
    const giveUpAt = Date.now() + (this.options.waitForOtherMs ?? 10_000);
    while (Date.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const tokens = await this.load();
      if (tokens.accessToken !== used) return tokens.accessToken;
      if ((await this.options.store.tryLock(1).then((id) => id && this.options.store.unlock(id).then(() => id))) !== null) break;
    }
    const tokens = await this.load();
    return tokens.accessToken !== used ? tokens.accessToken : null;
  }

  private fail(reason: string): void {
    this.failures++;
    this.lastFailure = reason.slice(0, 300);
    this.lastFailureAt = this.options.clock.now();
    this.options.logger.error({ channel: this.options.channel, reason: this.lastFailure }, 'marketplace access token could not be renewed: replies there will fail until the seller authorises the app again or the configured tokens are replaced');
  }

  private warnIfEnding(tokens: StoredTokens): void {
    const now = this.options.clock.now();
    const ends = [tokens.refreshExpiresAt, tokens.authorizationEndsAt].filter((at): at is number => at !== undefined);
    if (ends.length === 0) return;
    const endsAt = Math.min(...ends);
    if (endsAt - now > (this.options.warnAheadMs ?? 7 * 86_400_000)) return;
    // Once every six hours is enough for a log reader; the gauge says it at every scrape.
    if (now - this.lastWarnedAt < 6 * 3_600_000) return;
    this.lastWarnedAt = now;
    this.options.logger.warn({ channel: this.options.channel, endsAt: new Date(endsAt).toISOString() }, 'the seller\'s authorisation of the app ends soon: authorise it again in the platform\'s console and put the new tokens in the configuration');
  }
}
