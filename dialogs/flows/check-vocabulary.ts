// The checks on the `vocabulary:` part of the flow files that its schema cannot express: every part
// an action, the payment reminder or the after-hours notice relies on is defined; every order
// status and tracking event has a name; stock bands go down to zero; placeholders are the ones the
// code fills; the product-facts intent exists and starts a flow.

import type { ActionDefinition } from '../actions/action-types.ts';
import type { OrderStatus, TrackingEventKind } from '../commerce/orders.ts';
import { LANGUAGES, type LocalText } from '../messages.ts';
import { triggersOf, type CollectedFlows, type Origin } from './check-flows.ts';
import type { Step } from './flow-types.ts';
import type { Problem } from './problems.ts';
import { TemplateError, checkTemplate, templateNames } from './templates.ts';
import { DEFAULT_HOME, type CommerceWording, type Vocabulary, type VocabularyPart } from './vocabulary.ts';
import { problemAt, type YamlPath } from './yaml-source.ts';

// Typed as records so that a status or event kind added to the commerce port without a word here fails to compile.
const ORDER_STATUSES = Object.keys({
  unpaid: 1, paid: 1, shipped: 1, delivered: 1, cancelled: 1, return_requested: 1, returned: 1, refunded: 1,
} satisfies Record<OrderStatus, 1>);
const TRACKING_EVENTS = Object.keys({
  picked_up: 1, in_transit: 1, out_for_delivery: 1, delivered: 1, failed_delivery: 1, returned_to_sender: 1, exception: 1,
} satisfies Record<TrackingEventKind, 1>);

/** Responses the code fills with vocabulary, and the part each needs. */
const RESPONSES_NEEDING: [response: string, part: VocabularyPart][] = [
  ['payment_reminder', 'commerce_wording'],
  ['handoff_after_hours', 'business_hours'],
];

/** Placeholders each templated word must carry (the code fills exactly these). */
const PLACEHOLDERS: [key: 'size_label' | 'check_button', name: string][] = [
  ['size_label', 'size'],
  ['check_button', 'option'],
];

function calledActions(steps: readonly Step[], found: Map<string, YamlPath>, at: YamlPath): void {
  steps.forEach((step, i) => {
    if (typeof step !== 'object' || step === null) return;
    if ('action' in step && typeof step.action === 'string' && !found.has(step.action)) found.set(step.action, [...at, i, 'action']);
    if ('if' in step) {
      calledActions(step.then ?? [], found, [...at, i, 'then']);
      calledActions(step.else ?? [], found, [...at, i, 'else']);
    }
  });
}

export function checkVocabulary(collected: CollectedFlows, actions: ReadonlyMap<string, ActionDefinition>): Problem[] {
  const problems: Problem[] = [];
  const parts = collected.vocabulary;
  const report = (origin: Origin, path: YamlPath, message: string, atKey = false): void => {
    problems.push(problemAt(origin.source, [...origin.path, ...path], message, atKey));
  };
  const missing = (part: VocabularyPart, who: string): string =>
    `${who} needs vocabulary.${part}; define it in a flow file (the shipped one is in ${DEFAULT_HOME[part]})`;

  for (const [flowName, { definition, origin }] of collected.flows) {
    const called = new Map<string, YamlPath>();
    calledActions(definition.steps, called, ['steps']);
    for (const [name, path] of called) {
      for (const part of actions.get(name)?.vocabulary ?? []) {
        if (!parts.has(part)) report(origin, path, missing(part, `action "${name}" (flow "${flowName}")`));
      }
    }
  }
  for (const [response, part] of RESPONSES_NEEDING) {
    const found = collected.responses.get(response);
    if (found && !parts.has(part)) report(found.origin, [], missing(part, `response "${response}"`), true);
  }

  const wordMapCovers = (part: 'order_statuses' | 'tracking_events' | 'refund_methods', keys: readonly string[]): void => {
    const entry = parts.get(part);
    if (!entry) return;
    const map = entry.definition as Record<string, LocalText>;
    const absent = keys.filter((key) => !(key in map));
    if (absent.length > 0) report(entry.origin, [], `vocabulary.${part} needs a name for ${absent.map((k) => `"${k}"`).join(', ')}`, true);
  };
  wordMapCovers('order_statuses', ORDER_STATUSES);
  wordMapCovers('tracking_events', TRACKING_EVENTS);
  wordMapCovers('refund_methods', ['original']);

  const wording = parts.get('commerce_wording');
  if (wording) {
    const { stock_bands: bands } = wording.definition as CommerceWording;
    bands.forEach((band, i) => {
      if (i > 0 && band.from >= bands[i - 1]!.from) report(wording.origin, ['stock_bands', i, 'from'], 'stock_bands: list the bands highest first');
    });
    if (bands.at(-1)?.from !== 0) report(wording.origin, ['stock_bands', bands.length - 1, 'from'], 'stock_bands: the last band starts at 0 (sold out)');
    for (const [key, name] of PLACEHOLDERS) {
      const text: LocalText = (wording.definition as CommerceWording)[key];
      for (const language of LANGUAGES) {
        const path = [key, language];
        try {
          checkTemplate(text[language]);
          const names = templateNames(text[language]);
          if (!names.includes(name)) report(wording.origin, path, `${key} needs the placeholder {{${name}}}`);
          for (const other of names.filter((n) => n !== name)) report(wording.origin, path, `${key} can only use {{${name}}}, not {{${other}}}`);
        } catch (error) {
          if (error instanceof TemplateError) report(wording.origin, path, `placeholder error: ${error.message}`);
          else throw error;
        }
      }
    }
  }

  const facts = parts.get('product_facts');
  const intent = (facts?.definition as Vocabulary['product_facts'])?.intent;
  if (facts && intent !== undefined) {
    const triggers = [...collected.flows.values()].some(({ definition }) => triggersOf(definition).includes(intent));
    if (!collected.intents.has(intent)) report(facts.origin, ['intent'], `unknown intent "${intent}"`);
    else if (!triggers) report(facts.origin, ['intent'], `intent "${intent}" triggers no flow`);
  }
  return problems;
}
