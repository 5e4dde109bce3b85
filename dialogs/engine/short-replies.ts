// Short replies: the few words buyers answer with — yes, no, never mind, "another one", 88 — in
// Simplified and Traditional Chinese and English, with negation ("不取消了", "先不", "别", "don't").
// They are read by rule rather than by the intent recogniser: a two-character answer carries too
// little for a statistical model, and its meaning depends on the question just asked ("算了" after
// "确认要取消订单吗?" means "no, keep it").

import { toSimplified } from '../language/chinese-script.ts';

export type Answer = 'yes' | 'no';

// Chat shorthand that stands for a word: rewritten before the message is recognised, as whole tokens only.
const SHORTHAND: ReadonlyMap<string, string> = new Map([
  ['88', '拜拜'], ['886', '拜拜'], ['8888', '拜拜'], ['881', '拜拜'],
  ['3q', '谢谢'], ['3x', '谢谢'], ['thx', 'thanks'], ['thz', 'thanks'], ['tks', 'thanks'], ['ty', 'thank you'], ['tq', 'thank you'],
  ['nvm', 'never mind'], ['nm', 'never mind'], ['pls', 'please'], ['plz', 'please'], ['k', 'ok'], ['kk', 'ok'], ['okk', 'ok'], ['okie', 'ok'],
  ['np', 'no problem'], ['brb', 'be right back'], ['cya', 'bye'], ['bb', 'bye'],
]);

// Particles and fillers a short answer may start or end with, which say nothing about yes or no.
const LEADING = ['那就', '那我', '那', '哦哦', '哦', '噢', '喔', '呃', '额', '嗯嗯', '亲', '哈哈', '哈', '唉', '诶', '欸', '啊', '还是', 'um', 'uh', 'oh', 'well', 'hmm', 'ah', 'hm'];
const TRAILING = /[了吧啊呀哦喔哈啦呢嘛的哇耶滴哒~]+$/u;

// Never mind, not now, keep it as it is: at a yes/no question these mean "no", elsewhere "stop this".
const NEVER_MIND_ZH = ['算了', '不用了', '不用', '不要了', '不了', '先不', '先不用', '先不要', '先别', '暂时不', '暂时不用', '不必', '不必了', '不需要', '没事', '没事了', '不问了', '再想想', '我再想想', '考虑一下', '再考虑', '等等', '等一下', '不弄了', '不办了', '不改了', '不换了'];
const NEVER_MIND_EN = ['never mind', 'nevermind', 'forget it', 'no thanks', 'no thank you', 'not now', 'maybe later', 'not yet', 'hold on', 'wait', 'leave it', 'keep it', 'stop', 'nah'];

const NO_ZH = ['不', '不是', '不对', '不要', '不行', '不可以', '不想', '不确认', '不同意', '否', '没有', '没', '别', '别了', '取消不了'];
const NO_EN = ['no', 'nope', 'n', 'not', 'wrong', 'incorrect', 'negative', "don't", 'dont', 'do not', 'no way', 'not really', 'cancel that'];

const YES_ZH = ['是', '是的', '是啊', '对', '对的', '对啊', '没错', '好', '好的', '好滴', '好哒', '好啊', '好嘞', '可以', '可以的', '行', '行吧', '嗯', '嗯嗯', '恩', '确认', '确定', '没问题', '要', '要的', '需要', '当然', '同意', '中', '妥', '必须', '麻烦了', '麻烦你了', '谢谢'];
const YES_EN = ['yes', 'yep', 'yeah', 'yup', 'ya', 'yea', 'y', 'ok', 'okay', 'sure', 'confirm', 'confirmed', 'correct', 'right', 'go ahead', 'do it', 'please do', 'please', 'yes please', 'of course', 'definitely', 'absolutely', 'alright', 'fine'];
const YES_EMOJI = /^[👍👌✅🙆🆗]+$/u;
const NO_EMOJI = /^[🙅❌👎]+$/u;

// Negators in front of an echoed verb: 不取消, 别取消, 先不取消, 不要取消, 没想取消, don't cancel.
const NEGATORS_ZH = ['先不要', '还是不', '先不', '先别', '不要', '不用', '不想', '不', '别', '没'];
const NEGATORS_EN = ["don't", 'dont', 'do not', 'not', 'never', 'no'];

// "One more" after a joke, a recommendation and the like.
const AGAIN = ['再来一个', '再来一次', '再来个', '再讲一个', '再说一个', '再讲个', '再说个', '再来', '还有吗', '还要', '继续讲', 'another one', 'one more', 'again', 'more please', 'another'];

const PUNCTUATION = /[!！。.,，、?？~～…·;；:："“”()（）【】[\]]+/gu;
const SPACES = /\s+/gu;

function normalise(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase().trim();
}

/** A message rewritten with chat shorthand spelt out ("88" → "拜拜", "nvm" → "never mind"); unchanged when it has none. */
export function expandShorthand(text: string): string {
  if (text.length > 60) return text;
  let changed = false;
  const out = text.replace(/[a-z0-9]+/giu, (token, at: number) => {
    const before = text[at - 1];
    const after = text[at + token.length];
    // Only tokens standing alone: "88" in "1988" or "建国路88号" and "k" in "kg" stay.
    const alone = (ch: string | undefined) => ch === undefined || /[\s\p{P}\p{S}]/u.test(ch);
    if (!alone(before) || !alone(after)) return token;
    const full = SHORTHAND.get(token.toLowerCase());
    if (full === undefined) return token;
    changed = true;
    return full;
  });
  return changed ? out : text;
}

/**
 * The clauses of a short answer, without leading fillers ("嗯 算了, 不取消了" → ["算了", "不取消了"]).
 * Chinese splits at spaces too; English keeps its words together ("never mind").
 * One message is read by several of the questions below (is it a short reply, never mind, a yes
 * or no…), so the last text's clauses are kept; callers do not change the list they get.
 */
function clauses(text: string): readonly string[] {
  if (text === lastClauses.text) return lastClauses.parts;
  const parts = normalise(expandShorthand(text))
    .replace(/[’‘`]/g, "'")
    .split(PUNCTUATION)
    .flatMap((piece) => (/\p{Script=Han}/u.test(piece) ? piece.split(SPACES) : [piece.replace(SPACES, ' ')]))
    .map(trimFillers)
    .filter((c) => c.length > 0);
  lastClauses = { text, parts };
  return parts;
}

let lastClauses: { text: string; parts: readonly string[] } = { text: '', parts: [] };

// Whether each filler is Latin (it must then stand as a whole word), worked out once.
const LEADING_FILLERS: readonly { filler: string; latin: boolean }[] = LEADING.map((filler) => ({ filler, latin: /^[a-z]/.test(filler) }));

function trimFillers(clause: string): string {
  let c = clause.trim();
  for (let again = true; again; ) {
    again = false;
    for (const { filler, latin } of LEADING_FILLERS) {
      if (!c.startsWith(filler)) continue;
      const rest = c.slice(filler.length);
      // A Latin filler is a whole word ("oh no", not "ohio"); a Chinese one may run on ("哦不用了").
      if (rest.length > 0 && (!latin || rest.startsWith(' '))) {
        c = rest.trim();
        again = true;
      }
    }
  }
  return c;
}

/** A Chinese clause without its trailing particles ("不取消了" → "不取消", "好的呀" → "好"), for lookups that miss on the whole. */
function withoutParticles(clause: string): string {
  const stripped = clause.replace(TRAILING, '');
  return stripped.length > 0 ? stripped : clause;
}

function isLatin(text: string): boolean {
  return /^[a-z' ]+$/.test(text);
}

/** English clause starting with a phrase, as whole words. */
function startsWithWords(clause: string, phrase: string): boolean {
  return clause === phrase || clause.startsWith(`${phrase} `);
}

/** Words of the question the buyer may echo to answer it ("取消" in "确认要取消订单吗?", "cancel" in "Cancel order 123?"). */
function echoes(clause: string, question: string): boolean {
  if (!question) return false;
  const q = normalise(question);
  if (isLatin(clause)) {
    const words = clause.split(' ').filter((w) => w.length >= 4);
    return words.length > 0 && words.length <= 3 && words.every((w) => new RegExp(`(?<![a-z])${w}`).test(q));
  }
  // A short Chinese clause sharing two characters in a row with the question, or a one-character verb ("改吧").
  if (clause.length > 6) return false;
  const bare = withoutParticles(clause);
  if (bare.length === 1 && /\p{Script=Han}/u.test(bare)) return q.includes(bare);
  for (let i = 0; i + 2 <= clause.length; i++) if (q.includes(clause.slice(i, i + 2))) return true;
  return false;
}

function classify(written: string, question: string): Answer | 'never_mind' | null {
  const kind = classifyAsWritten(written, question);
  // 别别别, 嗯嗯嗯, 好好好: said once, meant once.
  const once = written.replace(/(\p{Script=Han})\1+/gu, '$1');
  return kind ?? (once === written ? null : classifyAsWritten(once, question));
}

function classifyAsWritten(clause: string, question: string): Answer | 'never_mind' | null {
  if (YES_EMOJI.test(clause)) return 'yes';
  if (NO_EMOJI.test(clause)) return 'no';
  if (isLatin(clause)) {
    if (NEVER_MIND_EN.some((p) => startsWithWords(clause, p))) return 'never_mind';
    for (const negator of NEGATORS_EN) {
      if (clause.startsWith(`${negator} `) && echoes(clause.slice(negator.length + 1).trim(), question)) return 'no';
    }
    if (NO_EN.some((p) => startsWithWords(clause, p))) return 'no';
    if (YES_EN.some((p) => startsWithWords(clause, p))) return 'yes';
    return echoes(clause, question) ? 'yes' : null;
  }
  const bare = withoutParticles(clause);
  if (NEVER_MIND_ZH.includes(clause) || NEVER_MIND_ZH.includes(bare)) return 'never_mind';
  for (const negator of NEGATORS_ZH) {
    if (clause.startsWith(negator) && clause.length > negator.length && echoes(clause.slice(negator.length), question)) return 'no';
  }
  if (NO_ZH.includes(clause) || NO_ZH.includes(bare) || NO_ZH.some((w) => w.length >= 2 && clause.startsWith(w))) return 'no';
  if (NEVER_MIND_ZH.some((w) => w.length >= 2 && clause.startsWith(w))) return 'never_mind';
  if (YES_ZH.includes(clause) || YES_ZH.includes(bare) || ['是的', '可以', '确认', '确定', '没问题', '好的', '对的', '没错', '当然'].some((w) => clause.startsWith(w))) return 'yes';
  return echoes(clause, question) ? 'yes' : null;
}

/**
 * The answer to a yes/no question, or null when the message is not one. `question` is what the bot
 * just asked: echoing its verb answers it ("取消吧" → yes, "不取消了" → no). Never-mind phrases are
 * a no. With several clauses the last one that answers decides ("好的 不用了" → no, "嗯 算了" → no).
 */
export function readYesNo(text: string, question = ''): Answer | null {
  const parts = clauses(text);
  // A long message is a new question or a story, not an answer.
  if (parts.length === 0 || parts.length > 4 || parts.join('').length > 24) return null;
  let answer: Answer | null = null;
  for (const part of parts) {
    const kind = classify(part, question);
    if (kind === null) continue;
    answer = kind === 'never_mind' ? 'no' : kind;
  }
  return answer;
}

/** Whether the message is a short reply: yes, no, never mind or an acknowledgement, of a few words ("好的", "没有了", "no thanks"). */
export function isShortReply(text: string): boolean {
  const parts = clauses(text);
  if (parts.length === 0 || parts.length > 2) return false;
  const short = parts.every((p) => (isLatin(p) ? p.split(' ').length <= 3 : [...p].length <= 4));
  return short && parts.every((p) => classify(p, '') !== null);
}

/** Whether the whole message says "never mind" / "not now" (and nothing else). */
export function isNeverMind(text: string): boolean {
  const parts = clauses(text);
  if (parts.length === 0 || parts.length > 3) return false;
  const kinds = parts.map((p) => classify(p, ''));
  return kinds.includes('never_mind') && kinds.every((k) => k === 'never_mind' || k === 'no' || (k === 'yes' && parts.length > 1));
}

/** Whether every clause of the message says yes to the question ("好的", "继续吧", "ok sure"): a plain yes, with nothing else asked. */
export function onlySaysYes(text: string, question: string): boolean {
  const parts = clauses(text);
  return parts.length > 0 && parts.length <= 3 && parts.every((p) => classify(p, question) === 'yes');
}

/** Whether the whole message only agrees or acknowledges ("好的", "ok", "嗯嗯 好"), with nothing to answer. */
export function isAcknowledgement(text: string): boolean {
  const parts = clauses(text);
  return parts.length > 0 && parts.length <= 3 && parts.every((p) => YES_ZH.includes(withoutParticles(p)) || YES_ZH.includes(p) || YES_EN.includes(p) || YES_EMOJI.test(p));
}

/** Whether the whole message asks for the same again ("再来一个", "another one"). */
export function asksForAgain(text: string): boolean {
  const parts = clauses(text).map((p) => p.replace(/(?:^|\s)please$/, '').replace(/^please\s/, '').trim()).filter((p) => p.length > 0);
  return parts.length > 0 && parts.length <= 2 && parts.every((p) => AGAIN.includes(p) || YES_ZH.includes(p) || YES_EN.includes(p)) && parts.some((p) => AGAIN.includes(p));
}

/**
 * Whether a message is a short reply that shows no language of its own: "ok", "no", "88", "thx" in a
 * Chinese chat are still a Chinese buyer's, so the bot keeps answering in Chinese.
 */
export function isLanguageNeutral(text: string): boolean {
  const t = normalise(text).replace(PUNCTUATION, ' ').replace(SPACES, ' ').trim();
  if (t.length === 0 || t.length > 12 || /\p{Script=Han}/u.test(t)) return false;
  const words = t.split(' ');
  return words.length <= 2 && words.every((w) => /^\d+$/.test(w) || SHORTHAND.has(w) || NEUTRAL_WORDS.has(w));
}

// Latin words Chinese buyers type as they are.
const NEUTRAL_WORDS: ReadonlySet<string> = new Set(['ok', 'okay', 'no', 'yes', 'y', 'n', 'nvm', 'thx', 'bye', 'hi', 'hello', 'lol', 'haha', 'hh', 'hhh', 'emm', 'em', 'en', 'sorry', 'sry', 'good', 'nice', 'yeah', 'yep']);
