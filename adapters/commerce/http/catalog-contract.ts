// The REST contract of a merchant's catalog API, read from its OpenAPI description
// (docs/openapi/commerce-catalog.yaml) so the document merchants implement and the checks Kefu
// applies to their answers are one and the same. A response that breaks the contract is treated
// like a backend that is down (a graceful reply), never passed on half-understood.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

export const CATALOG_CONTRACT_FILE = fileURLToPath(new URL('../../../docs/openapi/commerce-catalog.yaml', import.meta.url));

export type ContractOperation = 'listProducts' | 'getProduct' | 'searchProducts' | 'getDefaultSizeChart' | 'listPromotions' | 'getShippingPolicy';

const OPERATION_PATHS: Record<ContractOperation, string> = {
  listProducts: '/products',
  getProduct: '/products/{productId}',
  searchProducts: '/product-search',
  getDefaultSizeChart: '/size-charts/default',
  listPromotions: '/promotions',
  getShippingPolicy: '/shipping-policy',
};

let validators: Map<ContractOperation, ValidateFunction> | null = null;

function pointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Validators of each operation's 200 body, compiled once from the OpenAPI file. */
export function contractValidators(): Map<ContractOperation, ValidateFunction> {
  if (validators) return validators;
  const document = parse(readFileSync(CATALOG_CONTRACT_FILE, 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: false, strict: false });
  ajv.addSchema(document, 'contract');
  validators = new Map(
    (Object.entries(OPERATION_PATHS) as [ContractOperation, string][]).map(([operation, path]) => [
      operation,
      ajv.compile({ $ref: `contract#/paths/${pointer(path)}/get/responses/200/content/${pointer('application/json')}/schema` }),
    ]),
  );
  return validators;
}

/** Null when `body` fits the operation's 200 response; otherwise a short reason for the logs. */
export function contractViolation(operation: ContractOperation, body: unknown): string | null {
  const validate = contractValidators().get(operation)!;
  if (validate(body)) return null;
  const first = validate.errors?.[0];
  return `${first?.instancePath || '(body)'} ${first?.message ?? 'does not match the contract'}`;
}
