// Every action flows may call, by name. `npm run flows -- validate` checks flows against this list.

import type { ActionDefinition } from './action-types.ts';
import { checkStock } from './check-stock.ts';
import { findProducts } from './find-products.ts';
import { pricePromo } from './price-promo.ts';
import { productFacts } from './product-facts.ts';
import { recommendSize } from './recommend-size.ts';
import { invoicePolicy, shippingAnswer } from './shipping-answer.ts';
import { changeAddress, readAddress, readPartsAddress, requestInterception } from './after-sale/address-actions.ts';
import { cancelOrder } from './after-sale/cancel-order.ts';
import { findOrder } from './after-sale/find-order.ts';
import { proveOrder } from './after-sale/prove-order.ts';
import { attachReturnTracking, readReturnTracking, startReturn } from './after-sale/return-actions.ts';
import { trackParcel } from './after-sale/track-parcel.ts';

/** After-sale actions: whose order, address changes, cancelling, returns, parcels (docs/after-sale.md). */
const afterSaleActions: readonly ActionDefinition[] = [
  findOrder,
  proveOrder,
  readAddress,
  readPartsAddress,
  changeAddress,
  requestInterception,
  cancelOrder,
  startReturn,
  readReturnTracking,
  attachReturnTracking,
  trackParcel,
];

export const builtInActions: readonly ActionDefinition[] = [recommendSize, checkStock, productFacts, findProducts, shippingAnswer, invoicePolicy, pricePromo, ...afterSaleActions];
