// Flow conditions and computed values run in JSONata's sandbox: they read the values they are
// given and nothing else, and a runaway expression stops instead of hanging the bot.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { ExpressionError, compileExpression, isTruthy } from '../../dialogs/flows/expressions.ts';
import { renderTemplate, templateNames } from '../../dialogs/flows/templates.ts';

describe('expressions', () => {
  it('compares slot values as a shop owner writes them', async () => {
    const fits = compileExpression('value >= 100 and value <= 230');
    expect(await fits.evaluate({ value: 170 })).toBe(true);
    expect(await fits.evaluate({ value: 900 })).toBe(false);
    expect(await compileExpression('fit = "slim" ? "S" : "M"').evaluate({ fit: 'slim' })).toBe('S');
    expect(await compileExpression('count + 1').evaluate({ count: 2 })).toBe(3);
  });

  it('treats a missing value as no value, not an error', async () => {
    expect(await compileExpression('size').evaluate({})).toBeNull();
    expect(isTruthy(await compileExpression('size = null').evaluate({ size: null }))).toBe(true);
  });

  it('reports a syntax error with its offset', () => {
    expect(() => compileExpression('value >= ')).toThrow(ExpressionError);
    try {
      compileExpression('value >= ');
    } catch (error) {
      expect((error as ExpressionError).position).toBe(9);
    }
  });

  it('cannot reach Node, the process or JavaScript globals', async () => {
    for (const probe of ['process', '$process', 'require', 'globalThis', 'constructor', '$eval("process")']) {
      expect(await compileExpression(probe).evaluate({ value: 1 })).toBeNull();
    }
    // A JSONata "function" cannot be turned into JavaScript's Function constructor either.
    await expect(compileExpression('$string.constructor("return process")()').evaluate({})).rejects.toThrow();
  });

  it('stops runaway recursion instead of hanging', async () => {
    const forever = compileExpression('($f := function($x){ $f($x + 1) }; $f(1))');
    await expect(forever.evaluate({})).rejects.toThrow(ExpressionError);
  });

  it('keeps evaluations apart: one runaway expression does not exhaust another', async () => {
    const forever = compileExpression('($f := function($x){ $f($x + 1) }; $f(1))');
    const simple = compileExpression('value * 2');
    const [bad, good] = await Promise.allSettled([forever.evaluate({}), simple.evaluate({ value: 21 })]);
    expect(bad.status).toBe('rejected');
    expect(good).toEqual({ status: 'fulfilled', value: 42 });
  });
});

describe('templates', () => {
  it('fills placeholders and never escapes plain text as HTML', () => {
    expect(renderTemplate('根据尺寸,您适合{{size}}号哦', { size: 'M' })).toBe('根据尺寸,您适合M号哦');
    expect(renderTemplate('{{product.name}} & <b>', { product: { name: 'T恤 <x>' } })).toBe('T恤 <x> & <b>');
  });

  it('lists the names a template reads', () => {
    expect(templateNames('{{size}} / {{product.name}}')).toEqual(['size', 'product.name']);
  });
});

describe('simple conditions answered without JSONata', () => {
  // The shortcut must answer exactly as JSONata does (or leave the expression to it): every
  // condition of the demo flows and some of its own, against values of every kind.
  const flowsDir = path.resolve(import.meta.dirname, '../../flows');
  const fromFlows = readdirSync(flowsDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => [...readFileSync(path.join(flowsDir, file), 'utf8').matchAll(/^\s*-?\s*(?:if|validate): (.+)$/gm)].map((m) => m[1]!.trim()));
  const own = [
    'a', 'a.b', 'a = 1', "a = 'x'", 'a = "x"', 'a != null', 'a = null', 'a = true', 'a != false', 'a > 1', 'a >= 1.5', 'a < 2', "a <= 'm'",
    'a and b', 'a or b', 'a and b and c', 'a or b or c', '$not(a)', '$not(a = 1) and b', "$not(a) or $not(b = 'x')", 'a.b = 2 and c',
    'a and b or c', 'a > null', 'constructor', 'a.constructor', 'a = 1 and', '(a)', 'a in [1, 2]', 'value >= 50 and value <= 200',
  ];
  const values: unknown[] = [undefined, null, true, false, 0, -0, 1, 2, 1.5, 60, 300, '', 'x', 'm', 'slim', '1', [], [1], [1, 2], {}, { b: 2 }, { b: [2] }];
  const cases: Record<string, unknown>[] = [];
  for (const a of values) for (const b of [undefined, true, 0, 'x', { b: 2 }]) cases.push({ a, b, c: a, value: a, status: a, order_state: a, between: b, fit: a });

  async function outcome(run: () => Promise<unknown>): Promise<unknown> {
    try {
      const result = await run();
      return { result: result === undefined ? null : JSON.parse(JSON.stringify(result)) };
    } catch (error) {
      return { error: (error as { code?: string; message?: string }).code ?? 'thrown' };
    }
  }

  it.each([...new Set([...fromFlows, ...own])])('%s', async (source) => {
    let reference: jsonata.Expression;
    try {
      reference = jsonata(source);
    } catch {
      expect(() => compileExpression(source)).toThrow(ExpressionError);
      return;
    }
    const compiled = compileExpression(source);
    for (const variables of cases) {
      const expected = await outcome(() => reference.evaluate(variables));
      const got = await outcome(() => compiled.evaluate(variables));
      if ('error' in (expected as object)) expect(got).toHaveProperty('error');
      else expect(got).toEqual(expected);
    }
  });
});
