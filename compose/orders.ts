// Picks the orders backend from the configuration: the demo shop's order book, or the merchant's
// order API over HTTP (docs/openapi/commerce-orders.yaml). Called once by server.ts (composeKefu).

import type { AfterSaleConfig, KefuConfig } from '../config/config-types.ts';
import type { AfterSalePolicy } from '../dialogs/commerce/after-sale-policy.ts';
import type { Orders } from '../dialogs/commerce/orders.ts';
import type { Logger } from '../dialogs/ports.ts';
import { DemoOrders } from '../adapters/commerce/demo/demo-orders.ts';
import { HttpOrders } from '../adapters/commerce/http/http-orders.ts';

export async function chooseOrders(config: KefuConfig, logger: Logger): Promise<Orders> {
  const settings = config.orders;
  if (!settings || settings.backend === 'demo') return DemoOrders.load();
  const { baseUrl, timeoutMs, token, eventsPollSeconds } = settings.http;
  // The schema demands it too; this guards configurations built in code.
  if (!baseUrl) throw new Error('orders.backend is "http" but orders.http.baseUrl is not set');
  logger.info({ baseUrl }, 'orders come from the merchant order API');
  // Order events are polled unless switched off (0); 10 s when a configuration built in code leaves it out.
  const eventsPollMs = Math.round((eventsPollSeconds ?? 10) * 1000);
  return new HttpOrders({ baseUrl, timeoutMs, token: token ?? null, logger, eventsPollMs });
}

/** The after-sale rules for the engine, in the shop's time zone. */
export function afterSalePolicy(config: KefuConfig): AfterSalePolicy {
  const rules: AfterSaleConfig = config.afterSale ?? { returnWindowDays: 7, stalledAfterHours: 48, refundArrivalDays: 3 };
  return { ...rules, timezone: config.shop.timezone };
}
