// What an agent's message in the DingTalk group asks for. DingTalk groups have no threads, so every
// message names its hand-off with a short code printed on the card: "#A7 <text>". The robot only
// receives messages that @ it, so agents write "@Kefu #A7 …". Understood forms (case-insensitive,
// in English, Simplified and Traditional Chinese):
//   #A7 claim | 认领 | 認領                 → claim the hand-off
//   #A7 back | 转回机器人 | 轉回機器人       → give the buyer back to the bot
//   #A7 back track_order                   → … and start that flow (one of handoff.resumeFlows)
//   #A7 close | 关闭 | 關閉                 → close it (the bot takes the buyer back)
//   #A7 anything else                      → a message: the hand-off core sends it to the buyer,
//                                            or keeps it as an internal note when it starts with
//                                            the note marker (handoff.noteMarker, "//" by default)
// Without a code, a message goes to the one hand-off this agent has claimed in the group, if exactly one.

export type AgentCommand =
  | { kind: 'claim' }
  | { kind: 'back'; resumeFlow?: string }
  | { kind: 'close' }
  | { kind: 'reply'; text: string }
  | { kind: 'empty' };

export interface ParsedAgentText {
  /** The hand-off code, upper-cased, when the message names one. */
  code: string | null;
  command: AgentCommand;
}

/** A letter and one to three digits, e.g. A7, K42: short enough to type on a phone. */
export const HANDOFF_CODE = /^[A-Z][0-9]{1,3}$/;

const WORDS: Record<'claim' | 'back' | 'close', string[]> = {
  claim: ['claim', '认领', '認領', '接手'],
  back: ['back', 'back to bot', 'bot', '转回机器人', '轉回機器人', '交给机器人', '交給機器人'],
  close: ['close', 'done', '关闭', '關閉', '结束', '結束'],
};

/** `resumeFlows`: the flows "back <flow>" may name (handoff.resumeFlows); "back soon" stays a reply. */
export function parseAgentText(raw: string, resumeFlows: readonly string[] = []): ParsedAgentText {
  // DingTalk leaves a space where the @robot mention was; full-width spaces and # are common on phones.
  let text = raw.replace(/\u3000/g, ' ').trim();
  let code: string | null = null;
  const match = /^[#＃]\s*([A-Za-z][0-9]{1,3})(?=$|[\s:：,，])[\s:：,，]*/.exec(text);
  if (match) {
    code = match[1]!.toUpperCase();
    text = text.slice(match[0].length).trim();
  }
  if (text === '') return { code, command: { kind: 'empty' } };
  const word = text.toLowerCase().replace(/[.!。！]+$/, '');
  for (const kind of ['claim', 'back', 'close'] as const) {
    if (WORDS[kind].includes(word)) return { code, command: { kind } };
  }
  // "back <flow>", only for a flow the shop lets agents pick: "back soon" is a message to the buyer.
  const resume = /^(\S+)\s+(\S+)$/.exec(text);
  if (resume && WORDS.back.includes(resume[1]!.toLowerCase()) && resumeFlows.includes(resume[2]!)) {
    return { code, command: { kind: 'back', resumeFlow: resume[2]! } };
  }
  return { code, command: { kind: 'reply', text } };
}
