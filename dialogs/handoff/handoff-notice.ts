// What a buyer is told when handed to a person: outside business hours, the hours (response
// `handoff_after_hours`, with {{hours}}) instead of "someone will be with you shortly"; within them,
// when Kefu's own desk is the only desk and no agent is at it (agent-presence.ts), that nobody is
// online and they can leave a message (response `handoff_no_agent`). The hand-off stays in the desk's
// queue either way, so the agent who comes answers it on the buyer's channel. The day names are the
// flows' `vocabulary.business_hours` (required wherever `handoff_after_hours` is defined).

import type { Vocabulary } from '../flows/vocabulary.ts';
import type { Language } from '../messages.ts';
import { describeHours, isOpen } from './business-hours.ts';
import type { AgentPresence } from './agent-presence.ts';
import type { HandoffSettings } from './handoff-settings.ts';

export type HandoffNotice = (at: number, language: Language, vocabulary: Vocabulary) => { response: string; vars: Record<string, unknown> } | null;

/** `presence`: Kefu's own desk's, when it is the only desk (a team chat's agents are not seen here). */
export function handoffNotice(settings: Pick<HandoffSettings, 'businessHours' | 'timezone'>, presence?: Pick<AgentPresence, 'anyoneOnline'>): HandoffNotice {
  return (at, language, vocabulary) => {
    const hours = settings.businessHours;
    if (hours && !isOpen(hours, at, settings.timezone) && vocabulary.business_hours) {
      return { response: 'handoff_after_hours', vars: { handoff: { hours: describeHours(hours, language, vocabulary.business_hours) } } };
    }
    if (presence?.anyoneOnline() === false) return { response: 'handoff_no_agent', vars: {} };
    return null;
  };
}
