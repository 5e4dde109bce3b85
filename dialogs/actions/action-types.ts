// Actions are the code side of flows: a flow step `action: recommend_size` runs the action of that
// name, which reads slots and the shop's data through the ports and returns values for the flow.
// Merchants cannot write actions in YAML (flows run no code); developers register them here.

import type { ConversationRef, Language, MessageContext } from '../messages.ts';
import type { Catalog } from '../ports.ts';

export interface ActionContext {
  /** The flow's slots and variables so far. */
  slots: Readonly<Record<string, unknown>>;
  /** The step's `with:` arguments, evaluated. */
  args: Readonly<Record<string, unknown>>;
  language: Language;
  conversation: ConversationRef;
  context: Readonly<MessageContext>;
  catalog: Catalog;
  now: number;
}

export interface ActionResult {
  /** Values stored into the flow's variables (must be among the action's declared outputs). */
  set?: Record<string, unknown>;
}

export interface ActionDefinition {
  name: string;
  /** One line for merchants, shown by `npm run flows -- actions` and in docs. */
  description: string;
  /** Variables the action may set; flows and templates may read them after the step. */
  outputs: readonly string[];
  run(context: ActionContext): Promise<ActionResult>;
}
