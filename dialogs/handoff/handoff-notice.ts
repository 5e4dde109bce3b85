// What a buyer is told when handed to a person: outside business hours, the hours (response
// `handoff_after_hours`, with {{hours}}) instead of "someone will be with you shortly". The day
// names are the flows' `vocabulary.business_hours` (required wherever that response is defined).

import type { Vocabulary } from '../flows/vocabulary.ts';
import type { Language } from '../messages.ts';
import { describeHours, isOpen } from './business-hours.ts';
import type { HandoffSettings } from './handoff-settings.ts';

export type HandoffNotice = (at: number, language: Language, vocabulary: Vocabulary) => { response: string; vars: Record<string, unknown> } | null;

export function handoffNotice(settings: Pick<HandoffSettings, 'businessHours' | 'timezone'>): HandoffNotice {
  return (at, language, vocabulary) => {
    const hours = settings.businessHours;
    if (!hours || isOpen(hours, at, settings.timezone) || !vocabulary.business_hours) return null;
    return { response: 'handoff_after_hours', vars: { handoff: { hours: describeHours(hours, language, vocabulary.business_hours) } } };
  };
}
