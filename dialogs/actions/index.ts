// Every action flows may call, by name. `npm run flows -- validate` checks flows against this list.

import type { ActionDefinition } from './action-types.ts';
import { checkStock } from './check-stock.ts';
import { pricePromo } from './price-promo.ts';
import { productFacts } from './product-facts.ts';
import { recommendSize } from './recommend-size.ts';
import { invoicePolicy, shippingAnswer } from './shipping-answer.ts';

export const builtInActions: readonly ActionDefinition[] = [recommendSize, checkStock, productFacts, shippingAnswer, invoicePolicy, pricePromo];
