// Flow conditions and computed values run in JSONata's sandbox: they read the values they are
// given and nothing else, and a runaway expression stops instead of hanging the bot.

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
