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
  const simple = parseSimple(source);
  return {
    source,
    async evaluate(variables) {
      try {
        // Most flow conditions are a comparison of a value with a literal ("status = 'found'",
        // "value >= 50 and value <= 200"): those are worked out directly, the way JSONata would, and
        // anything the shortcut cannot be sure of goes to JSONata (whose every step awaits).
        const quick = simple === null ? UNSURE : evaluateSimple(simple, variables);
        const result = quick !== UNSURE ? quick : await compiled.evaluate(variables, { [BUDGET_BINDING]: { steps: 0 } });
        // JSONata sequences carry extra properties; keep plain JSON values only.
        return result === undefined ? null : JSON.parse(JSON.stringify(result));
      } catch (error) {
        throw asExpressionError(error);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The shortcut for simple conditions. Its language is a subset of JSONata's:
//   expression := part (("and" part)* | ("or" part)*)       (and and or are not mixed)
//   part       := "$not(" expression ")" | path [comparison literal]
//   path       := name ("." name)*                          (not a keyword)
//   literal    := 'text' | "text" (no backslash) | digits[.digits] | true | false | null
// and it only works on values it knows JSONata's answer for: a path through plain objects' own
// properties to a string, a finite number, a boolean, null or nothing. Anything else (an array, an
// object, a value that would make JSONata throw) is UNSURE, and JSONata evaluates the expression.

type Literal = string | number | boolean | null;
type Simple =
  | { kind: 'path'; names: readonly string[] }
  | { kind: 'compare'; names: readonly string[]; op: '=' | '!=' | '<' | '<=' | '>' | '>='; literal: Literal }
  | { kind: 'not'; operand: Simple }
  | { kind: 'chain'; op: 'and' | 'or'; parts: readonly Simple[] };

const UNSURE: unique symbol = Symbol('unsure');
const KEYWORDS = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);
const TOKEN = /\s*(?:(\$not\()|([A-Za-z_][A-Za-z0-9_]*)|('[^'\\]*'|"[^"\\]*")|(\d+(?:\.\d+)?)(?![\w.])|(!=|<=|>=|=|<|>|\.|\)))/y;

/** The expression in the shortcut's language, or null when it is not in it. */
function parseSimple(source: string): Simple | null {
  const tokens: { kind: 'not' | 'name' | 'string' | 'number' | 'symbol'; text: string }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (match === null) {
      if (/^\s*$/.test(source.slice(at))) break;
      return null;
    }
    if (match[1]) tokens.push({ kind: 'not', text: match[1] });
    else if (match[2]) tokens.push({ kind: 'name', text: match[2] });
    else if (match[3]) tokens.push({ kind: 'string', text: match[3].slice(1, -1) });
    else if (match[4]) tokens.push({ kind: 'number', text: match[4] });
    else tokens.push({ kind: 'symbol', text: match[5]! });
  }
  let next = 0;
  const peek = () => tokens[next];
  const expression = (): Simple | null => {
    const first = part();
    if (first === null) return null;
    const parts = [first];
    let op: 'and' | 'or' | null = null;
    while (peek()?.kind === 'name' && (peek()!.text === 'and' || peek()!.text === 'or')) {
      const word = tokens[next++]!.text as 'and' | 'or';
      if (op !== null && op !== word) return null;
      op = word;
      const another = part();
      if (another === null) return null;
      parts.push(another);
    }
    return op === null ? first : { kind: 'chain', op, parts };
  };
  const part = (): Simple | null => {
    const token = tokens[next++];
    if (token === undefined) return null;
    if (token.kind === 'not') {
      const operand = expression();
      if (operand === null || tokens[next++]?.text !== ')') return null;
      return { kind: 'not', operand };
    }
    if (token.kind !== 'name' || KEYWORDS.has(token.text)) return null;
    const names = [token.text];
    while (peek()?.text === '.') {
      next++;
      const name = tokens[next++];
      if (name?.kind !== 'name' || KEYWORDS.has(name.text)) return null;
      names.push(name.text);
    }
    const op = peek();
    if (op?.kind !== 'symbol' || !['=', '!=', '<', '<=', '>', '>='].includes(op.text)) return { kind: 'path', names };
    next++;
    const value = tokens[next++];
    let literal: Literal;
    if (value?.kind === 'string') literal = value.text;
    else if (value?.kind === 'number') literal = Number(value.text);
    else if (value?.kind === 'name' && (value.text === 'true' || value.text === 'false' || value.text === 'null')) literal = JSON.parse(value.text) as Literal;
    else return null;
    // JSONata refuses to order by anything but a number or a string, whatever the other side.
    if (op.text !== '=' && op.text !== '!=' && typeof literal !== 'number' && typeof literal !== 'string') return null;
    return { kind: 'compare', names, op: op.text as '=' | '!=' | '<' | '<=' | '>' | '>=', literal };
  };
  const parsed = expression();
  return parsed !== null && next === tokens.length ? parsed : null;
}

/** A path's value, undefined when it leads nowhere, UNSURE where JSONata's answer is not plain. */
function valueAt(variables: Record<string, unknown>, names: readonly string[]): Literal | undefined | typeof UNSURE {
  let value: unknown = variables;
  for (const name of names) {
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return UNSURE;
    // JSONata reads own properties only (not "constructor" from the prototype).
    value = Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;
  }
  if (value === undefined || value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  return typeof value === 'number' && Number.isFinite(value) ? value : UNSURE;
}

/** JSONata's effective boolean value of a plain value (its boolean(), undefined as false). */
function booleanOf(value: Literal | undefined): boolean {
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0;
  return value === true;
}

function evaluateSimple(simple: Simple, variables: Record<string, unknown>): Literal | undefined | typeof UNSURE {
  switch (simple.kind) {
    case 'path':
      return valueAt(variables, simple.names);
    case 'compare': {
      const value = valueAt(variables, simple.names);
      if (value === UNSURE) return UNSURE;
      const { op, literal } = simple;
      if (op === '=' || op === '!=') {
        if (value === undefined) return false;
        return op === '=' ? value === literal : value !== literal;
      }
      // Ordering compares two numbers or two strings; either missing gives nothing; else JSONata throws.
      if (value === undefined) return undefined;
      if (typeof value !== typeof literal || (typeof value !== 'number' && typeof value !== 'string')) return UNSURE;
      const [a, b] = [value as number | string, literal as number | string];
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
    case 'not': {
      const operand = evaluateSimple(simple.operand, variables);
      if (operand === UNSURE) return UNSURE;
      return operand === undefined ? undefined : !booleanOf(operand);
    }
    case 'chain': {
      // Left to right, stopping where the answer is known, as JSONata does (a part not reached cannot throw).
      for (const part of simple.parts) {
        const value = evaluateSimple(part, variables);
        if (value === UNSURE) return UNSURE;
        const truth = booleanOf(value);
        if (simple.op === 'and' ? !truth : truth) return simple.op === 'or';
      }
      return simple.op === 'and';
    }
  }
}

/** JSONata truthiness is JavaScript's, except that an empty result (no value) is false. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}
