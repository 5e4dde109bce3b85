// A buyer's message often holds more than one thing: a greeting and a question ("亲 在吗 卫衣有M码吗",
// "hi 请问这件T恤有白色L吗"), or two questions ("这款有货吗 发什么快递", "what size? and do you ship to
// Hong Kong"). This file cuts a message into its parts and takes off the courtesy words around a
// question (亲, 在吗, 请问, hi, thanks), so that each part can be recognised on its own.
//
// Where a message is cut:
// - at sentence punctuation (。！？!?；;, line breaks) and Chinese commas and pause marks (，、);
// - at ASCII commas and full stops followed by a space;
// - at spaces next to a Chinese character ("在吗 卫衣有M码吗"), never between English words;
// - before a conjunction that starts another question: 还有, 另外, 顺便, 对了, 再问一下, also, btw,
//   and also, plus.
// Parts are recognised by the caller, which joins the pieces that are not questions of their own
// ("身高170", "体重60") to the question they belong to.

export interface MessagePart {
  /** The part without leading conjunctions and courtesy words. */
  text: string;
  /** Offsets of the part in the original message. */
  start: number;
  end: number;
}

// Courtesy words a buyer puts before (or after) what they want; none of them is a request.
const COURTESY = [
  '亲爱的', '亲亲', '亲', '在吗', '在么', '在嘛', '在不在', '有人吗', '有人在吗', '你好呀', '你好', '您好', '哈喽', '嗨', '喂',
  '老板', '掌柜的', '掌柜', '客服', '小蜜', '店家', '美女', '小姐姐', '请问一下', '请问下', '请问', '问一下', '问下', '想问一下', '想问下',
  '我想问一下', '我想问下', '我想问', '麻烦问一下', '麻烦问下', '麻烦', '打扰一下', '打扰了', '那个', '嗯嗯', '嗯', '哦', '额',
  'hello there', 'hi there', 'hello', 'hiya', 'hey', 'hi', 'dear', 'excuse me', 'good morning', 'good afternoon', 'good evening', 'quick question',
];
const TRAILING_COURTESY = ['谢谢亲', '谢谢', '多谢', '感谢', '麻烦了', '拜托了', 'thank you', 'thanks', 'thx', 'please', 'pls'];
// Words that start another question inside the same message, longest first. 还有 and 然后 only
// count at the start of a part ("卫衣有M码吗 还有发什么快递"): inside one, 还有 is "still have" (还有货吗).
const CONJUNCTIONS = ['还有就是', '还有个问题', '还想问一下', '还想问下', '还想问', '再问一下', '再问下', '顺便问一下', '顺便问下', '顺便问', '顺便', '另外', '对了', '还有', '然后'];
const STILL_HAVE = /^(?:货|貨|吗|嗎|没|沒|么|嘛|库存|庫存|现货|現貨|码|碼|号|號|[a-z0-9]|\s*$)/i;
const CUTTING_CONJUNCTIONS = CONJUNCTIONS.filter((c) => c !== '还有' && c !== '然后');
const CONJUNCTIONS_EN = ['and also', 'also', 'btw', 'by the way', 'plus', 'another question', 'oh and', 'and'];

// Everything stripLeading takes off the start of a part, in the order it tries them.
const LEADING_WORDS = [...COURTESY, ...CONJUNCTIONS, ...CONJUNCTIONS_EN];

const HAN = /\p{Script=Han}/u;
const SENTENCE_END = /[。！？!?；;\n\r，、]/u;

function isHan(ch: string | undefined): boolean {
  return ch !== undefined && HAN.test(ch);
}

// In Traditional script the same words: 親, 請問, 還有, 對了 …; compared after folding the few that differ.
const FOLD: Readonly<Record<string, string>> = { 親: '亲', 請: '请', 問: '问', 還: '还', 對: '对', 麼: '么', 謝: '谢', 順: '顺', 嗎: '吗', 闆: '板', 櫃: '柜', 擾: '扰', 煩: '烦', 愛: '爱', 頭: '头' };

function fold(text: string): string {
  let out = '';
  for (const ch of text) out += FOLD[ch] ?? ch;
  return out.toLowerCase();
}

/**
 * Whether `word` (Chinese characters only) stands at `at` in `text`, once folded: what
 * fold(text.slice(at, at + word.length)) === word says, without building a string at every place
 * of a message (a Chinese character's fold is one character, and lower case leaves it as it is).
 */
function foldedAt(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) {
    const ch = text[at + k]!;
    if ((FOLD[ch] ?? ch) !== word[k]) return false;
  }
  return true;
}

function startsWithWord(folded: string, word: string): boolean {
  if (!folded.startsWith(word)) return false;
  // An English word must end where the word ends ("hi" is not the start of "hitting").
  return !/^[a-z]/.test(word) || !/[a-z]/.test(folded[word.length] ?? '');
}

/** The text without the courtesy words at its start and end ("亲 在吗 请问有货吗 谢谢" → "有货吗"). */
export function stripCourtesy(text: string): string {
  return stripTrailing(stripLeading(text));
}

function stripLeading(text: string): string {
  let rest = text.trim();
  for (let changed = true; changed && rest.length > 0; ) {
    changed = false;
    const folded = fold(rest);
    for (const word of LEADING_WORDS) {
      // 还有货吗, 还有M码吗: "still have", the question itself.
      if (word === '还有' && STILL_HAVE.test(folded.slice(2))) continue;
      if (startsWithWord(folded, word)) {
        rest = rest.slice(word.length).replace(/^[\s,，、:：~～!！.。]+/u, '');
        changed = true;
        break;
      }
    }
  }
  return rest.trim();
}

function stripTrailing(text: string): string {
  let rest = text.trim();
  for (let changed = true; changed && rest.length > 0; ) {
    changed = false;
    const folded = fold(rest).replace(/[\s,，、~～!！.。]+$/u, '');
    for (const word of TRAILING_COURTESY) {
      if (folded.endsWith(word) && folded.length > word.length && (!/^[a-z]/.test(word) || !/[a-z]/.test(folded[folded.length - word.length - 1] ?? ''))) {
        rest = rest.slice(0, folded.length - word.length).replace(/[\s,，、~～!！.。]+$/u, '');
        changed = true;
        break;
      }
    }
  }
  return rest.trim();
}

/**
 * The text without the courtesy words before it ("请问这件有M号吗" → "这件有M号吗"), for recognition;
 * the words after it stay ("好的谢谢" is a thank-you). The text itself when nothing would be left.
 */
export function withoutCourtesyBefore(text: string): string {
  return stripLeading(text) || text;
}

/** Whether the text is nothing but courtesy ("亲 在吗", "hi", "谢谢"). */
export function isOnlyCourtesy(text: string): boolean {
  const folded = fold(text).replace(/[^\p{L}\p{N} ]/gu, '').trim();
  if (TRAILING_COURTESY.includes(folded)) return true;
  return /[\p{L}\p{N}]/u.test(text) && !/[\p{L}\p{N}]/u.test(stripCourtesy(text));
}

/** Cuts a message into parts (at most `limit`; the rest stays in the last part). */
export function splitMessage(text: string, limit = 6): MessagePart[] {
  const cuts: number[] = [];
  for (let i = 1; i < text.length; i++) {
    const ch = text[i]!;
    const before = text[i - 1];
    if (SENTENCE_END.test(before!) && !SENTENCE_END.test(ch)) cuts.push(i);
    // ASCII commas and full stops too, before a space or a Chinese character (not inside 1.75 or 1,000).
    else if (/[.,]/.test(before!) && (/\s/.test(ch) || isHan(ch))) cuts.push(i);
    else if (/\s/.test(ch) && !/\s/.test(before!)) {
      // A space next to a Chinese character separates parts; between English words it does not.
      let j = i;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (isHan(before) || isHan(text[j])) cuts.push(j);
    } else if (isHan(ch) && isHan(before) && CUTTING_CONJUNCTIONS.some((c) => foldedAt(text, i, c))) {
      cuts.push(i);
    }
  }
  // English conjunctions after a comma or between clauses: " and also ", " btw ".
  const lower = text.toLowerCase();
  for (const conjunction of ['and also', 'btw', 'by the way', 'also']) {
    for (let at = lower.indexOf(` ${conjunction} `); at !== -1; at = lower.indexOf(` ${conjunction} `, at + 1)) cuts.push(at + 1);
  }
  const sorted = [...new Set(cuts)].sort((a, b) => a - b);
  const parts: MessagePart[] = [];
  let start = 0;
  for (const cut of [...sorted, text.length]) {
    if (cut <= start) continue;
    const raw = text.slice(start, cut);
    const trimmed = raw.replace(/^[\s,，、;；]+/u, '').replace(/[\s,，、;；]+$/u, '');
    if (/[\p{L}\p{N}\p{So}]/u.test(trimmed)) {
      const offset = start + raw.indexOf(trimmed);
      parts.push({ text: trimmed, start: offset, end: offset + trimmed.length });
    }
    start = cut;
  }
  if (parts.length > limit) {
    const last = parts[limit - 1]!;
    const tail = parts[parts.length - 1]!;
    parts.splice(limit - 1, parts.length, { text: text.slice(last.start, tail.end), start: last.start, end: tail.end });
  }
  return parts;
}
