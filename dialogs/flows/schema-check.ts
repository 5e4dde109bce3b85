// Checks a parsed YAML file against a JSON Schema (ajv) and turns ajv's errors into
// `file:line:col` problems a merchant can act on.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Problem } from './problems.ts';
import { problemAt, type YamlSource } from './yaml-source.ts';

export function compileSchema(schema: object): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

function pathOf(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describe(error: ErrorObject): { message: string; extra?: string; atKey?: boolean } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { message: `unknown key "${String(params.additionalProperty)}"`, extra: String(params.additionalProperty), atKey: true };
    case 'required':
      return { message: `missing "${String(params.missingProperty)}"` };
    case 'type':
      return { message: `must be ${String(params.type).replace(',', ' or ')}` };
    case 'enum':
      return { message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'pattern':
      return { message: 'must be lower_snake_case (a-z, 0-9, _; starting with a letter)' };
    case 'propertyNames':
      return { message: `name "${String(params.propertyName)}" must be lower_snake_case`, atKey: true };
    default:
      return { message: error.message ?? error.keyword };
  }
}

/**
 * ajv reports every branch of an anyOf; most are noise ("must be string" when the merchant
 * clearly wrote an object). Keep the errors of the branch that matches the value's shape.
 */
function withoutBranchNoise(errors: ErrorObject[]): ErrorObject[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const kept = errors.filter((e) => {
    if (e.keyword === 'anyOf') return false;
    if (!anyOfPaths.has(e.instancePath)) return true;
    return e.keyword !== 'type' && e.keyword !== 'const';
  });
  // If the only problem at an anyOf path was a shape mismatch, say what shapes are allowed.
  for (const path of anyOfPaths) {
    if (!kept.some((e) => e.instancePath === path || e.instancePath.startsWith(`${path}/`))) {
      const original = errors.find((e) => e.keyword === 'anyOf' && e.instancePath === path)!;
      kept.push({ ...original, keyword: 'shape', message: 'has the wrong shape (see docs/flows.md)' });
    }
  }
  return kept;
}

export function schemaProblems(validate: ValidateFunction, source: YamlSource): Problem[] {
  if (validate(source.data)) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of withoutBranchNoise(validate.errors ?? [])) {
    // propertyNames errors come twice from ajv (the pattern and the wrapper); the wrapper names the key.
    if (error.keyword === 'pattern' && error.propertyName !== undefined) continue;
    const { message, extra, atKey } = describe(error);
    let path = pathOf(error.instancePath);
    if (error.keyword === 'propertyNames') path = [...path, String((error.params as { propertyName: string }).propertyName)];
    if (extra !== undefined) path = [...path, extra];
    const where = path.length > 0 ? `${path.join('.')}: ` : '';
    const problem = problemAt(source, path, `${where}${message}`, atKey);
    const key = `${problem.line}:${problem.col}:${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}
