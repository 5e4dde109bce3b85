// The checks the schema cannot express: references between files, duplicates, unreachable
// steps and flows, loops that never ask the buyer anything, expression and template syntax.
// Every problem points at the line and column to fix.

import { ExpressionError, compileExpression } from './expressions.ts';
import type { FlowDefinition, FlowFile, ResponseDefinition, ResponseVariation, SlotDefinition, Step } from './flow-types.ts';
import { SYSTEM_INTENTS, SYSTEM_RESPONSES } from './flow-types.ts';
import type { Problem } from './problems.ts';
import { TemplateError, checkTemplate, templateNames } from './templates.ts';
import { problemAt, problemInside, type YamlPath, type YamlSource } from './yaml-source.ts';
import { LANGUAGES, type LocalText } from '../messages.ts';
import type { ActionDefinition } from '../actions/action-types.ts';
import type { VocabularyPart } from './vocabulary.ts';
import { OUT_OF_SCOPE_INTENT } from '../understanding/intent-recogniser.ts';

/** Payloads the engine answers itself (see docs/flows.md). */
export const BUILT_IN_PAYLOADS = ['/resume', '/back_to_bot'] as const;
/** Names every template may read besides flow variables. */
export const BUILT_IN_TEMPLATE_NAMES = ['product', 'shop', 'buyer', 'flow', 'handoff', 'reminder'] as const;

const STEP_KINDS = ['say', 'ask', 'set', 'if', 'action', 'goto', 'handoff', 'end'] as const;
type StepKind = (typeof STEP_KINDS)[number];

export interface Origin {
  source: YamlSource;
  path: YamlPath;
}

/** Every definition of the flow set with where it came from. */
export interface CollectedFlows {
  intents: Map<string, { definition: NonNullable<FlowFile['intents']>[string]; origin: Origin }>;
  responses: Map<string, { definition: NonNullable<FlowFile['responses']>[string]; origin: Origin }>;
  flows: Map<string, { definition: FlowDefinition; origin: Origin }>;
  /** Each part of `vocabulary:`, from the one file that defines it. */
  vocabulary: Map<VocabularyPart, { definition: unknown; origin: Origin }>;
}

export function stepKind(step: Step): StepKind | null {
  if (step === 'end') return 'end';
  if (typeof step !== 'object' || step === null) return null;
  const kinds = STEP_KINDS.filter((k) => k in step);
  return kinds.length === 1 ? kinds[0]! : null;
}

export function triggersOf(flow: FlowDefinition): string[] {
  if (flow.trigger === undefined) return [];
  return Array.isArray(flow.trigger) ? flow.trigger : [flow.trigger];
}

export function variationsOf(response: ResponseDefinition): ResponseVariation[] {
  return Array.isArray(response) ? response : [response];
}

class Checker {
  readonly problems: Problem[] = [];
  /** Every name a template may read: slots, set targets, action outputs, built-ins. */
  private readonly knownVariables = new Set<string>(BUILT_IN_TEMPLATE_NAMES);
  private readonly gotoTargets = new Set<string>();
  /** Edges "flow A reaches `goto B` without asking anything", with the goto's position. */
  private readonly silentGotos: { from: string; to: string; origin: Origin }[] = [];

  constructor(
    private readonly collected: CollectedFlows,
    private readonly actions: ReadonlyMap<string, ActionDefinition>,
    private readonly baseExamples: ReadonlyMap<string, number>,
  ) {}

  private report(origin: Origin, path: YamlPath, message: string, atKey = false): void {
    this.problems.push(problemAt(origin.source, [...origin.path, ...path], message, atKey));
  }

  private checkExpression(origin: Origin, path: YamlPath, source: unknown): void {
    try {
      compileExpression(String(source));
    } catch (error) {
      const e = error as ExpressionError;
      this.problems.push(problemInside(origin.source, [...origin.path, ...path], e.position, `expression error: ${e.message}`));
    }
  }

  run(): Problem[] {
    this.checkSystemNames();
    this.checkIntents();
    for (const [name, { definition, origin }] of this.collected.flows) this.checkFlow(name, definition, origin);
    this.checkResponses();
    this.checkReachability();
    this.checkSilentLoops();
    return this.problems;
  }

  private checkSystemNames(): void {
    const first = [...this.collected.intents.values(), ...this.collected.responses.values(), ...this.collected.flows.values()][0];
    const anchor: Origin | undefined = first?.origin;
    const missing = [
      ...SYSTEM_INTENTS.filter((n) => !this.collected.intents.has(n)).map((n) => `intent "${n}"`),
      ...SYSTEM_RESPONSES.filter((n) => !this.collected.responses.has(n)).map((n) => `response "${n}"`),
    ];
    for (const what of missing) {
      const message = `the engine needs ${what}; define it (see docs/flows.md, "System intents and responses")`;
      if (anchor) this.problems.push(problemAt(anchor.source, [], message));
      else this.problems.push({ file: '(flows)', line: 1, col: 1, message });
    }
  }

  private checkIntents(): void {
    const exampleOwner = new Map<string, string>();
    const triggered = new Map<string, string>();
    for (const [flowName, { definition, origin }] of this.collected.flows) {
      triggersOf(definition).forEach((intent, i) => {
        const path = Array.isArray(definition.trigger) ? ['trigger', i] : ['trigger'];
        if (!this.collected.intents.has(intent)) this.report(origin, path, `trigger: unknown intent "${intent}"`);
        else if (triggered.has(intent)) this.report(origin, path, `intent "${intent}" already triggers flow "${triggered.get(intent)}"`);
        else triggered.set(intent, flowName);
      });
    }
    for (const [name, { definition, origin }] of this.collected.intents) {
      const examples = [...(definition.examples.zh ?? []), ...(definition.examples.en ?? [])];
      const fromBase = definition.base === false ? 0 : (this.baseExamples.get(name) ?? 0);
      if (examples.length === 0 && fromBase === 0) {
        this.report(origin, ['examples'], `intent "${name}" needs at least one example (the shipped base has none${definition.base === false ? ' in use: base is false' : ''})`);
      }
      for (const lang of ['zh', 'en'] as const) {
        (definition.examples[lang] ?? []).forEach((example, i) => {
          const key = example.trim().toLowerCase();
          const owner = exampleOwner.get(key);
          if (owner && owner !== name) this.report(origin, ['examples', lang, i], `example "${example}" is also an example of intent "${owner}"`);
          else exampleOwner.set(key, name);
        });
      }
      // out_of_scope only teaches the recogniser what none of the intents is: it starts nothing.
      if (name === OUT_OF_SCOPE_INTENT) {
        if (triggered.has(name)) this.report(origin, [], `intent "${name}" means "none of the intents": no flow can start from it (flow "${triggered.get(name)}")`, true);
        if (definition.answer !== undefined) this.report(origin, ['answer'], `intent "${name}" means "none of the intents": it cannot have an answer`, true);
        continue;
      }
      const isSystem = (SYSTEM_INTENTS as readonly string[]).includes(name);
      if (!isSystem && !triggered.has(name)) this.report(origin, [], `intent "${name}" triggers no flow and has no answer`, true);
    }
  }

  private checkFlow(name: string, flow: FlowDefinition, origin: Origin): void {
    for (const [slotName, slot] of Object.entries(flow.slots ?? {})) {
      this.knownVariables.add(slotName);
      this.checkSlot(slot, { source: origin.source, path: [...origin.path, 'slots', slotName] });
    }
    this.walkSteps(name, flow, flow.steps, origin, ['steps'], false);
  }

  private checkSlot(slot: SlotDefinition, origin: Origin): void {
    for (const key of ['ask', 'reask'] as const) {
      const response = slot[key];
      if (response !== undefined && !this.collected.responses.has(response)) this.report(origin, [key], `unknown response "${response}"`);
    }
    if (slot.type === 'enum' && !slot.values) this.report(origin, ['type'], 'an enum slot needs "values"');
    if (slot.type !== 'enum' && slot.values) this.report(origin, ['values'], `"values" only applies to enum slots, not ${slot.type}`, true);
    if (slot.hints && !['number', 'length', 'weight'].includes(slot.type)) this.report(origin, ['hints'], '"hints" only applies to number, length and weight slots', true);
    if (slot.validate !== undefined) this.checkExpression(origin, ['validate'], slot.validate);
    const ids = new Set<string>();
    (slot.values ?? []).forEach((value, i) => {
      if (ids.has(value.id)) this.report(origin, ['values', i, 'id'], `duplicate value "${value.id}"`);
      ids.add(value.id);
    });
  }

  /**
   * Walks a list of steps; returns whether the list always ends the flow (so what follows is
   * unreachable) and whether every path through it asks the buyer something.
   */
  private walkSteps(
    flowName: string,
    flow: FlowDefinition,
    steps: Step[],
    origin: Origin,
    path: YamlPath,
    askedBefore: boolean,
  ): { terminates: boolean; asked: boolean } {
    let asked = askedBefore;
    let terminatedAt = -1;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const stepPath = [...path, i];
      if (terminatedAt >= 0) {
        this.report(origin, stepPath, `unreachable step: the step at index ${terminatedAt} always leaves the flow`);
        break;
      }
      const kind = stepKind(step);
      if (kind === null) {
        const present = typeof step === 'object' && step ? STEP_KINDS.filter((k) => k in step) : [];
        this.report(origin, stepPath, present.length > 1
          ? `a step does one thing; this one has ${present.join(' and ')}`
          : 'a step needs one of: say, ask, set, if, action, goto, handoff, end');
        continue;
      }
      if (step === 'end') {
        terminatedAt = i;
        continue;
      }
      const s = step as Record<string, unknown>;
      if (kind !== 'if' && ('then' in s || 'else' in s)) this.report(origin, stepPath, '"then"/"else" belong to an "if" step');
      if (kind !== 'action' && 'with' in s) this.report(origin, stepPath, '"with" belongs to an "action" step');
      switch (kind) {
        case 'say':
          if (!this.collected.responses.has(String(s.say))) this.report(origin, [...stepPath, 'say'], `unknown response "${String(s.say)}"`);
          break;
        case 'ask':
          if (!flow.slots?.[String(s.ask)]) this.report(origin, [...stepPath, 'ask'], `unknown slot "${String(s.ask)}" (declare it under this flow's slots)`);
          else asked = true;
          break;
        case 'set':
          for (const [variable, expression] of Object.entries(s.set as Record<string, unknown>)) {
            this.knownVariables.add(variable);
            this.checkExpression(origin, [...stepPath, 'set', variable], expression);
          }
          break;
        case 'if': {
          this.checkExpression(origin, [...stepPath, 'if'], s.if);
          if (!('then' in s)) this.report(origin, stepPath, 'an "if" step needs "then"');
          const thenBranch = this.walkSteps(flowName, flow, (s.then as Step[]) ?? [], origin, [...stepPath, 'then'], asked);
          const elseBranch = this.walkSteps(flowName, flow, (s.else as Step[]) ?? [], origin, [...stepPath, 'else'], asked);
          asked = thenBranch.asked && elseBranch.asked;
          if (thenBranch.terminates && elseBranch.terminates && 'else' in s) terminatedAt = i;
          break;
        }
        case 'action': {
          const action = this.actions.get(String(s.action));
          if (!action) this.report(origin, [...stepPath, 'action'], `unknown action "${String(s.action)}" (known: ${[...this.actions.keys()].join(', ') || 'none'})`);
          else action.outputs.forEach((o) => this.knownVariables.add(o));
          for (const [arg, expression] of Object.entries((s.with as Record<string, unknown>) ?? {})) {
            this.checkExpression(origin, [...stepPath, 'with', arg], expression);
          }
          break;
        }
        case 'goto': {
          const target = String(s.goto);
          if (!this.collected.flows.has(target)) this.report(origin, [...stepPath, 'goto'], `unknown flow "${target}"`);
          this.gotoTargets.add(target);
          if (!asked) this.silentGotos.push({ from: flowName, to: target, origin: { source: origin.source, path: [...origin.path, ...stepPath] } });
          terminatedAt = i;
          break;
        }
        case 'handoff':
          try {
            // The text for the agent: the step's string, or the detail of {reason, detail}.
            const detailed = typeof s.handoff === 'object' && s.handoff !== null;
            checkTemplate(String(detailed ? ((s.handoff as { detail?: string }).detail ?? '') : s.handoff));
          } catch (error) {
            const at = typeof s.handoff === 'object' && s.handoff !== null ? [...stepPath, 'handoff', 'detail'] : [...stepPath, 'handoff'];
            if (error instanceof TemplateError) this.report(origin, at, `placeholder error: ${error.message}`);
            else throw error;
          }
          terminatedAt = i;
          break;
        case 'end':
          terminatedAt = i;
          break;
      }
    }
    return { terminates: terminatedAt >= 0, asked };
  }

  private checkResponses(): void {
    const intents = this.collected.intents;
    for (const [, { definition, origin }] of this.collected.responses) {
      variationsOf(definition).forEach((variation, v) => {
        const at: YamlPath = Array.isArray(definition) ? [v] : [];
        // Every string that is rendered through the template engine: text, button titles, card fields.
        const localised = (path: YamlPath, text: LocalText): [YamlPath, string][] => LANGUAGES.map((lang) => [[...path, lang], text[lang]]);
        const texts: [YamlPath, string][] = [
          ...localised([...at, 'text'], variation.text),
          ...(variation.buttons ?? []).flatMap((button, b) => localised([...at, 'buttons', b, 'title'], button.title)),
          ...(variation.card ? localised([...at, 'card', 'title'], variation.card.title) : []),
          ...(variation.card?.subtitle ? localised([...at, 'card', 'subtitle'], variation.card.subtitle) : []),
          ...(['image', 'url'] as const).flatMap((key): [YamlPath, string][] => (variation.card?.[key] ? [[[...at, 'card', key], variation.card[key]!]] : [])),
        ];
        for (const [path, text] of texts) {
          try {
            checkTemplate(text);
            for (const name of templateNames(text)) {
              const root = name.split('.')[0]!;
              if (root !== '.' && !this.knownVariables.has(root)) this.report(origin, path, `placeholder {{${name}}} names no slot, variable or action output`);
            }
          } catch (error) {
            if (error instanceof TemplateError) this.report(origin, path, `placeholder error: ${error.message}`);
            else throw error;
          }
        }
        (variation.buttons ?? []).forEach((button, b) => {
          const payload = button.payload;
          if (!payload.startsWith('/')) return;
          const intent = payload.slice(1).split('{')[0]!;
          if (!intents.has(intent) && !(BUILT_IN_PAYLOADS as readonly string[]).includes(payload)) {
            this.report(origin, [...at, 'buttons', b, 'payload'], `payload "${payload}" names no intent`);
          }
        });
      });
    }
  }

  private checkReachability(): void {
    for (const [name, { definition, origin }] of this.collected.flows) {
      if (triggersOf(definition).length === 0 && !this.gotoTargets.has(name)) {
        this.report(origin, [], `flow "${name}" is unreachable: no trigger and no goto leads to it`, true);
      }
    }
  }

  private checkSilentLoops(): void {
    const edges = new Map<string, { to: string; origin: Origin }[]>();
    for (const edge of this.silentGotos) {
      const list = edges.get(edge.from) ?? [];
      list.push(edge);
      edges.set(edge.from, list);
    }
    const reported = new Set<string>();
    for (const start of edges.keys()) {
      // Depth-first search for a path of silent gotos that comes back to `start`.
      const stack: { flow: string; trail: string[] }[] = [{ flow: start, trail: [start] }];
      const visited = new Set<string>();
      while (stack.length > 0) {
        const { flow, trail } = stack.pop()!;
        for (const edge of edges.get(flow) ?? []) {
          if (edge.to === start) {
            const cycle = [...trail, start].join(' → ');
            const key = [...trail].sort().join(',');
            if (!reported.has(key)) {
              reported.add(key);
              this.problems.push(problemAt(edge.origin.source, [...edge.origin.path, 'goto'],
                `flow can loop without asking the buyer anything: ${cycle}`));
            }
          } else if (!visited.has(edge.to)) {
            visited.add(edge.to);
            stack.push({ flow: edge.to, trail: [...trail, edge.to] });
          }
        }
      }
    }
  }
}

/** `baseExamples`: how many examples the shipped base has per intent (an intent may rely on them alone). */
export function checkFlows(
  collected: CollectedFlows,
  actions: ReadonlyMap<string, ActionDefinition>,
  baseExamples: ReadonlyMap<string, number> = new Map(),
): Problem[] {
  return new Checker(collected, actions, baseExamples).run();
}
