// Which queue a hand-off goes to (each queue is a channel or group on the desk): complaints to the
// people who handle complaints, parcels gone astray to logistics, and so on, as the shop configures.

import type { HandoffRequest } from '../ports.ts';
import type { HandoffRouting } from './handoff-settings.ts';

export function routeHandoff(request: HandoffRequest, routing: HandoffRouting): string {
  return (
    routing.byReason[request.reason] ??
    (request.flow ? routing.byFlow[request.flow] : undefined) ??
    (request.orderId ? routing.withOrder : undefined) ??
    routing.default
  );
}
