// Response texts may carry placeholders such as {{size}} or {{product.name}} (Mustache syntax).
// Mustache is logic-less: a template can only read values, never run code. Bot texts are plain
// text, not HTML, so no HTML escaping here (channels escape when they render).

import Mustache from 'mustache';

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Throws TemplateError when the text has an unclosed or unbalanced placeholder. */
export function checkTemplate(text: string): void {
  try {
    Mustache.parse(text);
  } catch (error) {
    throw new TemplateError((error as Error).message);
  }
}

/** The names a template reads, e.g. ["size", "product.name"]. */
export function templateNames(text: string): string[] {
  const names: string[] = [];
  const walk = (tokens: unknown[]): void => {
    for (const token of tokens as [string, string, number, number, unknown[]?][]) {
      const [kind, value, , , children] = token;
      if (kind === 'name' || kind === '&' || kind === '#' || kind === '^') names.push(value);
      if (children) walk(children);
    }
  };
  walk(Mustache.parse(text));
  return names;
}

export function renderTemplate(text: string, view: Record<string, unknown>): string {
  if (!text.includes('{{')) return text;
  return Mustache.render(text, view, undefined, { escape: (value: unknown) => String(value) });
}
