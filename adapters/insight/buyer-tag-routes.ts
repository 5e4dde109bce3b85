// The admin API of buyer tags (docs/buyer-tags.md), mounted inside /admin's guard (admin-routes.ts):
//   GET    /admin/api/buyer-tags                           each tag: its label, and how many buyers came
//                                                          to hold it in the last 24 hours and 7 days
//   GET    /admin/api/buyers/tags?channel=…&buyerId=…      one buyer's tags now
//   DELETE /admin/api/buyers/tags?channel=…&buyerId=…      forgets everything kept about the buyer

import type { FastifyInstance } from 'fastify';
import type { HeldTag } from '../../dialogs/buyers/buyer-tagger.ts';
import type { BuyerTagRules } from '../../dialogs/buyers/buyer-tags.ts';
import { bucketOf, type InsightStore } from '../../dialogs/insight/insight-store.ts';
import type { Clock, Logger } from '../../dialogs/ports.ts';

export interface BuyerTagRoutesOptions {
  tags: {
    tagsOf(buyer: { channel: string; buyerId: string }): Promise<HeldTag[]>;
    forget(buyer: { channel: string; buyerId: string }): Promise<void>;
  };
  rules: () => BuyerTagRules;
  store: InsightStore;
  clock: Clock;
  logger: Logger;
}

const BUYER_QUERY = {
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'buyerId'],
  properties: {
    channel: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' },
    buyerId: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:@-]+$' },
  },
} as const;

type BuyerQuery = { Querystring: { channel: string; buyerId: string } };

export function registerBuyerTagRoutes(admin: FastifyInstance, options: BuyerTagRoutesOptions): void {
  const { tags, rules, store, clock, logger } = options;
  const unavailable = { error: 'buyer tags cannot be read right now (is Redis reachable?); try again shortly' };

  admin.get('/admin/api/buyer-tags', async (_request, reply) => {
    const now = clock.now();
    try {
      // Hour buckets (bucket numbers, not times): the last 7 days, the newest last.
      const hours = await store.read('counts', 'hour', bucketOf(now, 'hour') - 7 * 24 + 1, bucketOf(now, 'hour'));
      const sum = (name: string, fromHour: number) => hours.slice(fromHour).reduce((total, bucket) => total + (bucket[`buyer_tag:${name}`] ?? 0), 0);
      const list = [...rules()].map(([name, rule]) => ({ name, label: rule.label, taggedLast24h: sum(name, Math.max(0, hours.length - 24)), taggedLast7d: sum(name, 0) }));
      return reply.header('cache-control', 'no-store').send({ at: now, tags: list });
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'buyer tag counts could not be read');
      return reply.status(503).header('retry-after', '5').send(unavailable);
    }
  });

  admin.get<BuyerQuery>('/admin/api/buyers/tags', { schema: { querystring: BUYER_QUERY } }, async (request, reply) => {
    const { channel, buyerId } = request.query;
    return reply.header('cache-control', 'no-store').send({ channel, buyerId, tags: await tags.tagsOf({ channel, buyerId }) });
  });

  admin.delete<BuyerQuery>('/admin/api/buyers/tags', { schema: { querystring: BUYER_QUERY } }, async (request, reply) => {
    const { channel, buyerId } = request.query;
    try {
      await tags.forget({ channel, buyerId });
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'a buyer\'s tags could not be forgotten');
      return reply.status(503).header('retry-after', '5').send(unavailable);
    }
    logger.info({ channel }, 'a buyer\'s tags were forgotten on request');
    return reply.status(204).send();
  });
}
