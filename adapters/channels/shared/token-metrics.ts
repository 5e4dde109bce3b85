// The merchant's view of the marketplace tokens on /metrics (Prometheus, prom-client):
//   kefu_channel_token_expires_seconds{channel, token}  seconds until the access token, the refresh
//       token or the announced authorisation ends (token = access | refresh | authorization);
//       negative once past; absent while the platform has not said.
//   kefu_channel_token_refresh_failures_total{channel}  renewals that failed in this process.
// Alert on the first below a day or two, and on any increase of the second.

import { Counter, Gauge, type Registry } from 'prom-client';
import type { Clock } from '../../../dialogs/ports.ts';
import type { TokenKeeper } from './token-keeper.ts';

const watched = new WeakMap<Registry, TokenKeeper[]>();

export function watchTokens(registry: Registry, keeper: TokenKeeper, clock: Clock): void {
  const keepers = watched.get(registry);
  if (keepers) {
    keepers.push(keeper);
    return;
  }
  const list = [keeper];
  watched.set(registry, list);
  new Gauge({
    name: 'kefu_channel_token_expires_seconds',
    help: 'Seconds until a marketplace token or authorisation ends (token: access, refresh, authorization)',
    labelNames: ['channel', 'token'],
    registers: [registry],
    collect() {
      this.reset();
      const now = clock.now();
      for (const status of list.map((k) => k.status())) {
        if (status.accessExpiresAt !== undefined) this.set({ channel: status.channel, token: 'access' }, Math.round((status.accessExpiresAt - now) / 1000));
        if (status.refreshExpiresAt !== undefined) this.set({ channel: status.channel, token: 'refresh' }, Math.round((status.refreshExpiresAt - now) / 1000));
        if (status.authorizationEndsAt !== undefined) this.set({ channel: status.channel, token: 'authorization' }, Math.round((status.authorizationEndsAt - now) / 1000));
      }
    },
  });
  new Counter({
    name: 'kefu_channel_token_refresh_failures_total',
    help: 'Marketplace access-token renewals that failed in this process',
    labelNames: ['channel'],
    registers: [registry],
    collect() {
      this.reset();
      for (const status of list.map((k) => k.status())) this.inc({ channel: status.channel }, status.refreshFailures);
    },
  });
}
