// The flow language as TypeScript types: what the YAML files under flows/ hold once they have
// passed the schema (dialogs/flows/flows.schema.json) and the checks (check-flows.ts).
// docs/flows.md explains every field to merchants.

import type { HandoffReason, LocalText } from '../messages.ts';
import type { BuyerTagRule } from '../buyers/buyer-tags.ts';
import type { ChipDefinition, ChipListName } from '../shopping/page-chips.ts';
import type { Vocabulary } from './vocabulary.ts';

export interface IntentDefinition {
  /** Shown on suggestion buttons when the bot is unsure ("did you mean …?"). */
  label: LocalText;
  examples: { zh?: string[]; en?: string[] };
  /** false: the shipped base's examples of this intent are left out (dialogs/flows/shipped-base.ts). */
  base?: boolean;
  /** Phrases that always mean this intent when they appear in a message. */
  keywords?: string[];
  /**
   * A fixed answer: a response's name, or the response itself. The loader makes it a one-step
   * flow named after the intent (see intent-answers.ts).
   */
  answer?: string | ResponseDefinition;
}

export interface ButtonDefinition {
  title: LocalText;
  /** "/intent_name" runs that intent; any other text is read as if the buyer typed it. */
  payload: string;
}

export interface CardDefinition {
  title: LocalText;
  subtitle?: LocalText;
  image?: string;
  url?: string;
}

export interface ResponseVariation {
  text: LocalText;
  buttons?: ButtonDefinition[];
  card?: CardDefinition;
}

/** One variation, or several of which one is picked per conversation turn. */
export type ResponseDefinition = ResponseVariation | ResponseVariation[];

export type SlotType = 'number' | 'length' | 'weight' | 'enum' | 'text' | 'phone' | 'order_id' | 'yes_no';

export interface EnumValue {
  id: string;
  label: LocalText;
  synonyms?: string[];
}

export interface SlotDefinition {
  type: SlotType;
  /** Response asked to fill the slot. */
  ask: string;
  /** Response asked after an answer that did not fit; defaults to `ask`. */
  reask?: string;
  /** Sandboxed JSONata condition on `value` (and the other slots); false means "ask again". */
  validate?: string;
  /** How many wrong answers before a person takes over. */
  retries?: number;
  /** Words near a number that say it is this slot's (身高 → height), so one message can fill several slots. */
  hints?: string[];
  /** For enum slots. */
  values?: EnumValue[];
}

export type Step =
  | { say: string }
  | { ask: string }
  | { set: Record<string, string> }
  | { if: string; then: Step[]; else?: Step[] }
  | { action: string; with?: Record<string, string> }
  | { goto: string }
  | { handoff: string | HandoffStepDetail }
  | 'end';

/** `- handoff: {reason: complaint, detail: …}`: a hand-off with its own reason (routes it to that queue). */
export interface HandoffStepDetail {
  reason: HandoffReason;
  detail?: string;
}

export interface FlowDefinition {
  /** Names this flow on "back to …" buttons; defaults to its first trigger intent's label. */
  label?: LocalText;
  /** Intents that start this flow. */
  trigger?: string | string[];
  slots?: Record<string, SlotDefinition>;
  steps: Step[];
}

/** The contents of one YAML file under flows/ (every section optional). */
export interface FlowFile {
  intents?: Record<string, IntentDefinition>;
  responses?: Record<string, ResponseDefinition>;
  flows?: Record<string, FlowDefinition>;
  /** The shop's words that actions use (vocabulary.ts). */
  vocabulary?: Vocabulary;
  /** Question chips by page (dialogs/shopping/page-chips.ts). */
  chips?: Partial<Record<ChipListName, ChipDefinition[]>>;
  /** Buyer tags' rules (dialogs/buyers/buyer-tags.ts). */
  buyer_tags?: Record<string, BuyerTagRule>;
}

/** Intents and responses the engine itself relies on; every flow set must define them. */
export const SYSTEM_INTENTS = ['cancel', 'human_agent'] as const;
export const SYSTEM_RESPONSES = [
  'not_understood',
  'handoff',
  'cancelled',
  'nothing_to_cancel',
  'offer_resume',
  'message_too_long',
  'unknown_button',
  'back_to_bot',
  'no_text',
] as const;
