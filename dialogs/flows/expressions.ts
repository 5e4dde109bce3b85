// Conditions and computed values in flows (`if:`, `set:`, `validate:`, action `with:`) are JSONata
// expressions: a well-kept, side-effect-free query language that cannot reach Node's globals,
// the file system or the network. Never eval / new Function. A step budget stops runaway
// expressions (recursion, huge ranges) so a bad edit cannot hang the bot.

import jsonata from 'jsonata';

const STEP_BUDGET = 20_000;
const BUDGET_BINDING = '__kefu_budget';
const ENTRY = Symbol.for('jsonata.__evaluate_entry');

interface Budget {
  steps: number;
}

export class ExpressionError extends Error {
  constructor(
    message: string,
    /** Character offset of the problem inside the expression, when known. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export interface CompiledExpression {
  readonly source: string;
  evaluate(variables: Record<string, unknown>): Promise<unknown>;
}

function asExpressionError(error: unknown): ExpressionError {
  const e = error as { message?: string; position?: number; code?: string };
  return new ExpressionError(e.message ?? String(error), typeof e.position === 'number' ? e.position : 0);
}

/** Parses an expression; throws ExpressionError with the offset of a syntax error. */
export function compileExpression(source: string): CompiledExpression {
  let compiled: jsonata.Expression;
  try {
    compiled = jsonata(source);
  } catch (error) {
    throw asExpressionError(error);
  }
  // Each evaluation carries its own budget in its bindings; the hook finds it through the
  // evaluation's environment, so concurrent evaluations never share a counter.
  compiled.assign(ENTRY as unknown as string, (_expr: unknown, _input: unknown, environment: { lookup(name: string): unknown }) => {
    const budget = environment.lookup(BUDGET_BINDING) as Budget | undefined;
    if (budget && ++budget.steps > STEP_BUDGET) {
      throw { code: 'KEFU01', message: `expression "${source}" took too many steps`, position: 0 };
    }
  });
  return {
    source,
    async evaluate(variables) {
      try {
        const result = await compiled.evaluate(variables, { [BUDGET_BINDING]: { steps: 0 } });
        // JSONata sequences carry extra properties; keep plain JSON values only.
        return result === undefined ? null : JSON.parse(JSON.stringify(result));
      } catch (error) {
        throw asExpressionError(error);
      }
    },
  };
}

/** JSONata truthiness is JavaScript's, except that an empty result (no value) is false. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}
